import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { apiKeyHash, type DomainEvent, newApiKey, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import type { UserView } from '../src/index.ts';
import { getJson, publishEvents, waitForScenario } from './scenario.ts';

type CredentialRow = { key_sha256: string; user_id: string; issued_at: string | null; revoked_at: string | null };

/** reporting.credential: Payment's credential events, projected; the reporting API authenticates users by it. */
describe("the credential projection of Payment's events", function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  let bus: Bus;
  let db: pg.Client;
  const t = (second: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, second)).toISOString();
  const rows = async (userId: string) =>
    (
      await db.query<CredentialRow>(
        `SELECT key_sha256, user_id::text, to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS issued_at,
           to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS revoked_at
         FROM reporting.credential WHERE user_id = $1 ORDER BY issued_at NULLS FIRST`,
        [userId],
      )
    ).rows;
  const ownFigures = (userId: string, key: string) => getJson<UserView>(`${stack().reportingUrl}/api/users/${userId}`, key);

  before(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await bus?.close();
  });

  it('records a key issued at ADD_USER, rotated, then revoked at REMOVE_USER; only the live key authenticates', async () => {
    const user = randomUUID();
    const [first, second] = [newApiKey(), newApiKey()];
    const events: DomainEvent[] = [
      { type: 'UserCreated', user_id: user, at: t(0) },
      { type: 'CredentialIssued', user_id: user, key_sha256: apiKeyHash(first), at: t(0) },
      { type: 'CredentialRevoked', user_id: user, key_sha256: apiKeyHash(first), reason: 'ROTATED', at: t(5) },
      { type: 'CredentialIssued', user_id: user, key_sha256: apiKeyHash(second), at: t(5) },
    ];
    await publishEvents(bus, events);
    await waitForScenario(stack().reportingUrl, { users: [user], events });
    expect(await rows(user)).to.deep.equal([
      { key_sha256: apiKeyHash(first), user_id: user, issued_at: t(0), revoked_at: t(5) },
      { key_sha256: apiKeyHash(second), user_id: user, issued_at: t(5), revoked_at: null },
    ]);
    expect((await ownFigures(user, first)).status, 'the rotated key').to.equal(401);
    expect(await ownFigures(user, second), 'the live key; credentials move no money').to.deep.equal({
      status: 200,
      body: { user_id: user, trades: 0, deposits: { count: 0, amount: '0' }, withdrawals: { count: 0, amount: '0' }, net_cash_flow: '0', holdings: {} },
    });

    const removed: DomainEvent[] = [
      { type: 'CredentialRevoked', user_id: user, key_sha256: apiKeyHash(second), reason: 'REMOVED', at: t(9) },
      { type: 'UserRemoved', user_id: user, at: t(9) },
    ];
    await publishEvents(bus, removed);
    await waitForScenario(stack().reportingUrl, { users: [user], events: [...events, ...removed] });
    expect((await rows(user))[1]).to.include({ revoked_at: t(9) });
    expect((await ownFigures(user, second)).status, 'the key of a removed user').to.equal(401);
  });

  it("ends with the same row whichever of a key's events is stored first, and never lets a revoked key in", async () => {
    const user = randomUUID();
    const key = newApiKey();
    const issued: DomainEvent = { type: 'CredentialIssued', user_id: user, key_sha256: apiKeyHash(key), at: t(1) };
    const revoked: DomainEvent = { type: 'CredentialRevoked', user_id: user, key_sha256: apiKeyHash(key), reason: 'ROTATED', at: t(2) };
    await publishEvents(bus, [revoked]);
    await waitFor(async () => ((await rows(user)).length === 1 ? true : undefined));
    expect(await rows(user)).to.deep.equal([{ key_sha256: apiKeyHash(key), user_id: user, issued_at: null, revoked_at: t(2) }]);
    await publishEvents(bus, [issued]);
    await waitFor(async () => ((await rows(user))[0]?.issued_at ? true : undefined));
    expect(await rows(user)).to.deep.equal([{ key_sha256: apiKeyHash(key), user_id: user, issued_at: t(1), revoked_at: t(2) }]);
    expect((await ownFigures(user, key)).status).to.equal(401);
  });
});

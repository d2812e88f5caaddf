import { type Bus, connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testEnv, useStack } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { ADMIN_KEY } from './auth.ts';
import { reportAsker } from './busReports.ts';
import { getJson, type Scenario } from './scenario.ts';
import { useScenario } from './useScenario.ts';

type AuditRow = { actor: string; action: string; subject: string | null; request_id: string | null };

/** Every call of the operator leaves a row in the append-only reporting.audit; users' own calls do not. */
describe("the audit trail of the operator's calls", function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  const published = useScenario(stack);
  let gateway: Bus;
  let db: pg.Client;
  let scenario: Scenario;
  let ask: Awaited<ReturnType<typeof reportAsker>>;
  let mark = '0';
  const url = (path: string) => `${stack().reportingUrl}${path}`;
  /** The rows appended since the last call. */
  const appended = async (): Promise<AuditRow[]> => {
    const { rows } = await db.query<AuditRow & { id: string }>(
      'SELECT id::text, actor, action, subject::text, request_id FROM reporting.audit WHERE audit.id > $1::bigint ORDER BY audit.id',
      [mark],
    );
    mark = rows.at(-1)?.id ?? mark;
    return rows.map(({ id: _id, ...row }) => row);
  };

  before(async () => {
    gateway = await connectBus({
      url: serviceAmqpUrl(testEnv(), 'gateway'),
      logger: createLogger('test', 'silent'),
      service: 'gateway',
      topology,
      prefetch: 10,
    });
    ask = await reportAsker(gateway);
    db = new pg.Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    scenario = published.scenario();
    await appended();
  });
  after(async () => {
    await db?.end();
    await gateway?.close();
  });

  it('appends a row per /api call made with the operator key, as bearer, naming the user asked about', async () => {
    const [a, b] = scenario.users;
    for (const path of ['/api/stats', `/api/report?user_id=${a.toUpperCase()}`, `/api/users/${b}`, '/api/events?symbol=BTC', '/api/events?user_id=bad']) {
      await getJson(url(path));
    }
    expect(await appended()).to.deep.equal([
      { actor: 'admin', action: 'GET /api/stats', subject: null, request_id: null },
      { actor: 'admin', action: 'GET /api/report', subject: a, request_id: null },
      { actor: 'admin', action: 'GET /api/users/:user_id', subject: b, request_id: null },
      { actor: 'admin', action: 'GET /api/events', subject: null, request_id: null },
      { actor: 'admin', action: 'GET /api/events', subject: null, request_id: null },
    ]);
  });

  it("appends a row per call of the operator's dashboard session: login, every call, logout", async () => {
    const login = await fetch(url('/api/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ADMIN_KEY }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    await fetch(url('/api/stats'), { headers: { cookie } });
    const stream = await fetch(url('/api/stream'), { headers: { cookie } });
    await fetch(url('/api/session'), { method: 'DELETE', headers: { cookie } });
    await stream.body?.cancel();
    expect((await appended()).map((row) => row.action)).to.deep.equal(['POST /api/session', 'GET /api/stats', 'GET /api/stream', 'DELETE /api/session']);
  });

  it('appends a row per REPORT the operator asks over the bus, with the user asked about and the request id', async () => {
    const [a] = scenario.users;
    await ask(gateway, { id: 'audit-1' }, 'admin');
    await ask(gateway, { id: 77, user_id: a }, 'admin');
    expect(await appended()).to.deep.equal([
      { actor: 'admin', action: 'REPORT', subject: null, request_id: 'audit-1' },
      { actor: 'admin', action: 'REPORT', subject: a, request_id: '77' },
    ]);
  });

  it("appends nothing for a user's calls about its own figures, nor for calls refused", async () => {
    const [a, b] = scenario.users;
    await getJson(url(`/api/users/${a}`), scenario.keys.a);
    await getJson(url(`/api/users/${b}`), scenario.keys.a);
    await getJson(url('/api/stats'), null);
    await getJson(url('/api/stats'), scenario.keys.aRotated);
    await ask(gateway, { id: 'audit-2' }, `user:${a}`);
    await ask(published.bus(), { id: 'audit-3' }, 'admin');
    expect(await appended()).to.deep.equal([]);
  });
});

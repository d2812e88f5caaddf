import { randomUUID } from 'node:crypto';
import type { DeadLetterFacts } from '@trading/contracts';
import { createDatabase, type Database, recordDeadLetter, serviceDatabaseUrl } from '@trading/db';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { answerApi } from '../src/http/apiRoutes.ts';
import { createQueryGate } from '../src/queryGate.ts';

const facts = (over: Partial<DeadLetterFacts> = {}): DeadLetterFacts => ({
  messageId: randomUUID(),
  failedQueue: 'payment.commands',
  failedService: 'payment',
  error: 'cannot capture',
  errorName: 'PoisonMessageError',
  failureKey: 'bus:2026-12-02T10:00:00.000Z',
  failedAt: new Date('2026-12-02T10:00:00.000Z'),
  exchange: 'domain-events',
  routingKey: 'trade.trade.recorded',
  publisher: 'trading-trade',
  publishedAt: new Date('2026-12-02T09:59:59.000Z'),
  type: 'TradeRecorded',
  properties: { headers: { 'x-failed-queue': 'payment.commands' } },
  body: '{"type":"TradeRecorded"}',
  ...over,
});

/** Reporting's store of dead letters, written as its own database role, and the operator's API route over it. */
describe('the dead letters Reporting keeps', function () {
  this.timeout(30_000);
  let db: Database;
  const ids: string[] = [];

  before(() => {
    db = createDatabase({ url: serviceDatabaseUrl(testEnv().databaseUrl, 'reporting'), poolMax: 2 });
  });
  after(async () => {
    await db?.$executeRawUnsafe('DELETE FROM reporting.dead_letter WHERE id = ANY($1::uuid[])', ids);
    await db?.$disconnect();
  });

  it('keeps a redelivered dead letter once, and counts the same message failing again as one more attempt', async () => {
    const first = facts();
    const id = await recordDeadLetter(db, first);
    ids.push(id);
    expect(await recordDeadLetter(db, first), 'redelivered').to.equal(id);
    await db.$executeRawUnsafe(`UPDATE reporting.dead_letter SET state = 'replayed' WHERE id = $1::uuid`, id);
    const failedAgain = { ...first, failureKey: 'bus:2026-12-02T11:00:00.000Z', failedAt: new Date('2026-12-02T11:00:00.000Z'), error: 'still no' };
    expect(await recordDeadLetter(db, failedAgain)).to.equal(id);
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      'SELECT attempts, state, error, first_failed_at, last_failed_at FROM reporting.dead_letter WHERE id = $1::uuid',
      id,
    );
    expect(rows).to.deep.equal([{ attempts: 2, state: 'waiting', error: 'still no', first_failed_at: first.failedAt, last_failed_at: failedAgain.failedAt }]);
  });

  it("lists the waiting ones at GET /api/dead-letters to the operator alone: a user's key is 403 FORBIDDEN", async () => {
    const id = await recordDeadLetter(db, facts({ failedQueue: 'trade.commands', failedService: 'trade' }));
    ids.push(id);
    const gate = createQueryGate(db, { ratePerSecond: 100, burst: 100, maxEvents: 1000, timeoutMs: 1000 });
    const url = new URL('http://reporting/api/dead-letters');
    const asUser = await answerApi(gate, { kind: 'user', userId: randomUUID() }, url);
    expect(asUser).to.deep.include({ status: 403 });
    expect(asUser.body).to.include({ code: 'FORBIDDEN' });
    const asOperator = await answerApi(gate, { kind: 'admin' }, url);
    expect(asOperator.status).to.equal(200);
    const listed = (asOperator.body as { dead_letters: Record<string, unknown>[] }).dead_letters.find((d) => d.id === id);
    expect(listed).to.deep.include({ failed_queue: 'trade.commands', failed_service: 'trade', attempts: 1, error_name: 'PoisonMessageError' });
    expect(listed).not.to.have.property('body');
  });
});

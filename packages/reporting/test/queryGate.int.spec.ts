import { randomUUID } from 'node:crypto';
import { connectBus } from '@trading/bus';
import { exchanges, queues, requestRoutes, topology } from '@trading/contracts';
import { createDatabase, type Database } from '@trading/db';
import { createLogger } from '@trading/platform';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { answerApi } from '../src/http/apiRoutes.ts';
import { createQueryGate } from '../src/queryGate.ts';

const admin = { kind: 'admin' } as const;
const user = { kind: 'user', userId: randomUUID() } as const;

/** The query gate that keeps REPORTs and API reads from starving event ingestion (PostgreSQL, RabbitMQ). */
describe('queries kept apart from ingestion', function () {
  this.timeout(30_000);
  let db: Database;
  const symbol = `Q${randomUUID().slice(0, 6).toUpperCase()}`;
  const ids = Array.from({ length: 5 }, () => randomUUID());

  before(async () => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2, statementTimeoutMs: 300 });
    // Rows of the event store for a symbol nobody trades, removed after: other suites of the run fold the whole store.
    for (const id of ids) {
      await db.$executeRawUnsafe(
        `INSERT INTO reporting.event (id, type, source, symbol, payload, occurred_at) VALUES ($1::uuid, 'TradeRecorded', 'trade', $2, '{}', now())`,
        id,
        symbol,
      );
    }
  });
  after(async () => {
    await db?.$executeRawUnsafe('DELETE FROM reporting.event WHERE id = ANY($1::uuid[])', ids);
    await db?.$disconnect();
  });

  it('gives each principal its own quota: past the burst RATE_LIMITED with retry_after_ms, another principal unaffected', async () => {
    let now = 1_000_000;
    const gate = createQueryGate(db, { ratePerSecond: 1, burst: 2, maxEvents: 1000, timeoutMs: 300 }, () => now);
    const ask = (principal: typeof admin | typeof user) => gate.run(principal, undefined, async () => 'ran');
    expect([await ask(user), await ask(user)].map((o) => o.ok)).to.deep.equal([true, true]);
    expect(await ask(user)).to.deep.include({ ok: false, code: 'RATE_LIMITED', retryAfterMs: 1000 });
    expect(await ask(admin)).to.deep.equal({ ok: true, value: 'ran' });
    now += 1000;
    expect((await ask(user)).ok).to.equal(true);
  });

  it('refuses a report over more events than the cap with QUERY_TOO_LARGE, without running it; a narrower one runs', async () => {
    const gate = createQueryGate(db, { ratePerSecond: 100, burst: 100, maxEvents: 4, timeoutMs: 300 });
    let ran = false;
    const wide = await gate.run(admin, { symbol }, async () => {
      ran = true;
    });
    expect(wide).to.include({ ok: false, code: 'QUERY_TOO_LARGE' });
    expect(ran).to.equal(false);
    const narrow = await gate.run(admin, { symbol, event_type: 'FundsDeposited' }, async () => 'ran');
    expect(narrow).to.deep.equal({ ok: true, value: 'ran' });
  });

  it('lists the newest events whatever the store holds (a listing reads at most its limit), while a report over too many is 422', async () => {
    const gate = createQueryGate(db, { ratePerSecond: 100, burst: 100, maxEvents: 4, timeoutMs: 300 });
    const listing = await answerApi(gate, admin, new URL(`http://reporting/api/events?symbol=${symbol}&limit=3`));
    expect(listing.status).to.equal(200);
    expect((listing.body as { events: unknown[] }).events).to.have.length(3);
    const report = await answerApi(gate, admin, new URL(`http://reporting/api/report?symbol=${symbol}`));
    expect(report).to.deep.include({ status: 422 });
  });

  it('answers a query the statement timeout cancelled with QUERY_TOO_LARGE', async () => {
    const gate = createQueryGate(db, { ratePerSecond: 100, burst: 100, maxEvents: 1000, timeoutMs: 300 });
    const slow = await gate.run(admin, undefined, (client) => client.$queryRawUnsafe('SELECT pg_sleep(2)'));
    expect(slow).to.include({ ok: false, code: 'QUERY_TOO_LARGE' });
  });

  it('lets a REPORT whose client gave up expire on reporting.queries, unrun and not dead-lettered', async () => {
    const bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('query-test', 'silent'), service: 'query-test', topology, prefetch: 1 });
    try {
      const deadBefore = await bus.queueDepth(queues.deadLetter);
      const eventsBefore = await bus.queueDepth(queues.reporting);
      const route = requestRoutes.REPORT;
      await bus.publish({
        exchange: route.exchange,
        routingKey: route.routingKey,
        messageId: randomUUID(),
        type: 'REPORT',
        body: { id: 'r', type: 'REPORT' },
        expirationMs: 100,
      });
      expect(await bus.queueDepth(queues.reportingQueries), 'queued on its own queue').to.equal(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await bus.queueDepth(queues.reportingQueries), 'expired').to.equal(0);
      expect(await bus.queueDepth(queues.reporting), 'never on the event queue').to.equal(eventsBefore);
      expect(await bus.queueDepth(queues.deadLetter)).to.equal(deadBefore);
      expect(exchanges.api).to.equal(route.exchange);
    } finally {
      await bus.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { Delivery } from '@trading/contracts';
import { createDatabase, type Database } from '@trading/db';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import { listEvents } from '../src/listEvents.ts';
import { createEventRecorder } from '../src/recordEvent.ts';
import { rebuildProjections } from '../src/rebuildProjections.ts';
import { computeReport } from '../src/report.ts';
import { readStats } from '../src/stats.ts';

/** What version 1's Trade published when a saga began (versions.ts): a SagaStarted, routing key trade.saga.started. */
function sagaStartedV1(userId: string, at: string) {
  const facts = { user_id: userId, saga_id: randomUUID(), side: 'BUY', symbol: 'ETH', quantity: '1', price: '3000', notional: '3000', at };
  return { type: 'SagaStarted', ...facts, limit_price: '3000' };
}

/** A version 1 EventBatch as the bus delivers it: no schema version header. */
function batchV1(events: { id: string; event: unknown }[]): Delivery {
  return {
    body: { type: 'EventBatch', events: events.map(({ id, event }) => ({ id, routing_key: 'trade.saga.started', event })) },
    messageId: randomUUID(),
    type: 'EventBatch',
    correlationId: undefined,
    replyTo: undefined,
    userId: 'trading-trade',
    headers: {},
    exchange: 'events',
    routingKey: '',
    redelivered: false,
    deliveryCount: 0,
    schemaVersion: 1,
  };
}

const orderAcceptedCount = async (db: Database): Promise<number> => (await readStats(db)).event_counts.OrderAccepted ?? 0;

/** Reporting after an upgrade from schema version 1: what the old Trade wrote reads as version 2 names it (PostgreSQL). */
describe('Reporting reads schema version 1 history', function () {
  this.timeout(30_000);
  let db: Database;

  before(() => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
  });
  after(async () => {
    await db?.$disconnect();
  });

  it('stores a version 1 EventBatch’s SagaStarted as OrderAccepted and counts it so', async () => {
    const userId = randomUUID();
    const id = randomUUID();
    const before = await orderAcceptedCount(db);
    const stored = await createEventRecorder(db, 0)(batchV1([{ id, event: sagaStartedV1(userId, new Date().toISOString()) }]));
    expect(stored).to.deep.equal([true]);
    const [row] = await db.$queryRawUnsafe<{ type: string; source: string; payload: { type: string } }[]>(
      'SELECT type, source, payload FROM reporting.event WHERE id = $1::uuid',
      id,
    );
    expect(row).to.deep.include({ type: 'OrderAccepted', source: 'trade' });
    expect(row?.payload.type).to.equal('OrderAccepted');
    expect(await orderAcceptedCount(db)).to.equal(before + 1);
    expect((await readStats(db)).event_counts).to.not.have.property('SagaStarted');
  });

  it("keeps a stored 'SagaStarted' row through a projection rebuild, listed and counted as OrderAccepted", async () => {
    const userId = randomUUID();
    const at = new Date().toISOString();
    const ids = [randomUUID(), randomUUID()];
    // Rows as version 1's Reporting stored them: the type and payload named SagaStarted. They are never rewritten.
    for (const id of ids) {
      await db.$executeRawUnsafe(
        `INSERT INTO reporting.event (id, type, source, user_id, symbol, side, quantity, price, notional, saga_id, payload, occurred_at)
         VALUES ($1::uuid, 'SagaStarted', 'trade', $2::uuid, 'ETH', 'BUY', 1, 3000, 3000, $3::uuid, $4::jsonb, $5::timestamptz)`,
        id,
        userId,
        randomUUID(),
        JSON.stringify(sagaStartedV1(userId, at)),
        at,
      );
    }
    const before = await orderAcceptedCount(db);
    await rebuildProjections(db);
    expect(await orderAcceptedCount(db)).to.equal(before + ids.length);
    expect((await readStats(db)).event_counts).to.not.have.property('SagaStarted');
    const [stored] = await db.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM reporting.event WHERE id = ANY($1::uuid[]) AND type = 'SagaStarted'`,
      ids,
    );
    expect(stored?.count, 'the rows are read anew, not rewritten').to.equal(ids.length);
    const listed = await listEvents(db, { user_id: userId }, 10);
    expect(listed.map((e) => e.type)).to.deep.equal(['OrderAccepted', 'OrderAccepted']);
    expect(await listEvents(db, { user_id: userId, event_type: 'OrderAccepted' }, 10)).to.have.length(ids.length);
    const report = await computeReport(db, { user_id: userId, event_type: 'OrderAccepted' });
    expect(report.event_counts).to.deep.equal({ OrderAccepted: ids.length });
  });
});

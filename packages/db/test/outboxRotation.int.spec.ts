import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { exchanges, gatewayReplyKey, type OutgoingMessage, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createDatabase, type Database } from '../src/database.ts';
import { createOutbox, type Outbox, rotateOutbox } from '../src/outbox.ts';

const logger = createLogger('outbox-rotation-test', 'silent');

/**
 * The outbox's two partitions, with autovacuum off for them as it is on this whole machine: rows are inserted and
 * deleted all the time, and only truncating a drained partition gives their space back.
 */
describe('the outbox rotating its partitions (PostgreSQL, autovacuum off)', function () {
  this.timeout(60_000);
  let db: Database;
  let bus: Bus;
  let outbox: Outbox;
  const replyKey = gatewayReplyKey(`rotation-test-${randomUUID()}`);
  const reply = (): OutgoingMessage => ({
    exchange: exchanges.apiResponse,
    routingKey: replyKey,
    messageId: randomUUID(),
    type: 'Reply',
    body: { pad: 'x'.repeat(200) },
  });
  const commit = async (messages: OutgoingMessage[]) => outbox.flush(await db.$transaction((tx) => outbox.add(tx, messages)));
  const count = async (sql: string) => (await db.$queryRawUnsafe<{ n: number }[]>(sql))[0]!.n;
  const outboxBytes = () => count(`SELECT (pg_total_relation_size('trade.outbox_0') + pg_total_relation_size('trade.outbox_1'))::int AS n`);

  before(async () => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 4 });
    for (const partition of ['outbox_0', 'outbox_1']) await db.$executeRawUnsafe(`ALTER TABLE trade.${partition} SET (autovacuum_enabled = false)`);
    bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'rotation-test', topology, prefetch: 50 });
    await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: replyKey }], async () => undefined);
    outbox = createOutbox({ db, bus, schema: 'trade', logger, rotateIntervalMs: 100 });
    outbox.start();
  });
  after(async () => {
    await outbox?.stop();
    await bus?.close();
    await db?.$disconnect();
  });

  it('keeps its size bounded through churn: once the traffic stops and both partitions drained, they hold next to nothing', async () => {
    const switchedBefore = await count(`SELECT extract(epoch FROM switched_at)::int AS n FROM trade.outbox_slot`);
    let peak = 0;
    for (let round = 0; round < 40; round += 1) {
      await Promise.all(Array.from({ length: 10 }, () => commit(Array.from({ length: 25 }, reply))));
      if (round % 10 === 9) peak = Math.max(peak, await outboxBytes());
    }
    await waitFor(async () => ((await count('SELECT count(*)::int AS n FROM trade.outbox')) === 0 ? true : undefined), 20_000);
    // 10,000 rows of some 400 bytes went through; a plain table would still hold all of them, dead, and its indexes.
    for (let i = 0; i < 2; ) if ((await rotateOutbox(db, 'trade')) !== undefined) i += 1;
    const after = await outboxBytes();
    expect(after, `bytes after draining (peak ${peak})`).to.be.below(100_000);
    expect(await count(`SELECT extract(epoch FROM switched_at)::int AS n FROM trade.outbox_slot`)).to.be.at.least(switchedBefore);
  });

  it('never truncates a partition that still holds a row to publish', async () => {
    const id = randomUUID();
    // Into the partition that is not current, read in the same statement: a rotation can then no longer make it current.
    // Unless one was committing as the row was written (the insert waited for its lock, then wrote into the partition
    // it had just made current): then the row is written again.
    for (;;) {
      const [written] = await db.$queryRawUnsafe<{ slot: number }[]>(
        `INSERT INTO trade.outbox (slot, id, exchange, routing_key, type, body)
         SELECT 1 - slot, $1::uuid, 'api-response', $2, 'Reply', '{}' FROM trade.outbox_slot RETURNING slot`,
        id,
        replyKey,
      );
      if (written?.slot !== (await count('SELECT slot AS n FROM trade.outbox_slot'))) break;
      await db.$executeRawUnsafe(`DELETE FROM trade.outbox WHERE id = $1::uuid`, id);
    }
    expect(await rotateOutbox(db, 'trade'), 'no rotation while the drained partition holds a row').to.equal(undefined);
    expect(await count(`SELECT count(*)::int AS n FROM trade.outbox WHERE id = '${id}'`)).to.equal(1);
    await waitFor(async () => ((await count(`SELECT count(*)::int AS n FROM trade.outbox WHERE id = '${id}'`)) === 0 ? true : undefined), 15_000);
    await waitFor(async () => ((await rotateOutbox(db, 'trade')) !== undefined ? true : undefined), 10_000);
  });
});

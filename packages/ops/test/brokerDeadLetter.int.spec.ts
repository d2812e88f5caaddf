import { randomUUID } from 'node:crypto';
import { connectBus } from '@trading/bus';
import { type Delivery, exchanges, type Topology } from '@trading/contracts';
import { createDatabase } from '@trading/db';
import { createLogger } from '@trading/platform';
import { testBrokerPasswords, testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createReplayer, runDlq } from '../src/index.ts';

/**
 * A message the broker itself dead-letters, after a quorum queue's delivery limit (a consumer that keeps failing or
 * crashing): stored from its `x-death` header, and replayed to its queue with its deliveries counted afresh.
 */
describe("a dead letter of the broker's delivery limit", function () {
  this.timeout(60_000);
  useStack(['reporting']);

  it('is stored as the broker reported it, and a replay reaches its queue without x-death nor delivery count', async () => {
    const queue = `dlq-test.${randomUUID()}`;
    const topology: Topology = {
      exchanges: [],
      queues: [{ name: queue, durable: true, arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': exchanges.deadLetter, 'x-delivery-limit': 1 } }],
      bindings: [],
      retiredBindings: [],
    };
    const logger = createLogger('dlq-test', 'silent');
    const bus = await connectBus({ url: testEnv().amqpUrl, logger, service: 'dlq-test', topology, prefetch: 1, maxAttempts: 100 });
    const db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
    const replayer = createReplayer(testEnv().amqpUrl, testBrokerPasswords);
    const out: string[] = [];
    try {
      let fixed = false;
      const received: Delivery[] = [];
      await bus.consume(queue, async (d) => {
        if (!fixed) throw new Error('handler bug');
        received.push(d);
      });
      const messageId = randomUUID();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await bus.publish({ exchange: '', routingKey: queue, messageId, type: 'Probe', body: { n: 1 }, headers: { traceparent } });
      const row = await waitFor(async () => {
        const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
          'SELECT id, failed_service, error_name, exchange, routing_key, publisher, attempts FROM reporting.dead_letter WHERE failed_queue = $1',
          queue,
        );
        return rows[0];
      }, 20_000);
      expect(row).to.deep.include({ failed_service: 'broker', exchange: '', routing_key: queue, publisher: 'guest', attempts: 1 });
      expect(row.error_name).to.be.oneOf(['delivery_limit', 'rejected']);
      fixed = true;
      const deps = {
        db,
        replayer,
        now: () => new Date(),
        operator: 'operator:test',
        retentionHours: 168,
        out: (t: string) => out.push(t),
        err: (t: string) => out.push(t),
      };
      expect(await runDlq(deps, ['replay', String(row.id)]), out.join('\n')).to.equal(0);
      const [again] = await waitFor(() => (received.length > 0 ? received : undefined));
      expect(again).to.deep.include({ messageId, userId: 'guest', deliveryCount: 0, body: { n: 1 } });
      expect(again!.headers).to.include({ traceparent });
      expect(again!.headers).not.to.have.any.keys('x-death', 'x-delivery-count', 'x-first-death-queue', 'x-last-death-queue');
    } finally {
      await replayer.close();
      await bus.close();
      await db.$disconnect();
    }
  });
});

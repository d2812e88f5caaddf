import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectBus } from '@trading/bus';
import type { Logger } from '@trading/platform';
import amqp from 'amqplib';
import { concurrently } from './concurrently.ts';

export type BrokerBaseline = { messages: number; msgs_per_s: number };

/** Publishes waiting for confirms, at most this many at once. */
const PUBLISH_WINDOW = 500;
/** About the size of a saga message's JSON body. */
const PADDING = 'x'.repeat(300);

/**
 * The broker's rate for what every saga step pays: persistent messages, publisher-confirmed, through one quorum
 * queue, consumed with manual acks, all through the project's own bus. The quorum queue is throwaway
 * (bench.baseline.<uuid>) and deleted afterwards.
 */
export async function measureBroker(options: { url: string; logger: Logger; prefetch: number; messages: number }): Promise<BrokerBaseline> {
  const queue = `bench.baseline.${randomUUID()}`;
  const admin = await amqp.connect(options.url);
  const channel = await admin.createChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const bus = await connectBus({ url: options.url, logger: options.logger, service: 'bench', prefetch: options.prefetch });
  try {
    let received = 0;
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    await bus.consume(queue, async () => {
      received += 1;
      if (received === options.messages) allReceived();
    });
    const started = performance.now();
    await concurrently(options.messages, PUBLISH_WINDOW, (seq) =>
      bus.publish({ exchange: '', routingKey: queue, messageId: randomUUID(), type: 'Baseline', body: { type: 'Baseline', seq, padding: PADDING } }),
    );
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { messages: options.messages, msgs_per_s: Math.round(options.messages / seconds) };
  } finally {
    await bus.close();
    await channel.deleteQueue(queue);
    await admin.close();
  }
}

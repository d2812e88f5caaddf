import { UnreachableError } from '@trading/platform';
import amqp, { type Options } from 'amqplib';
import { brokerLocation } from './brokerUrl.ts';

/** A message exactly as it is to be published again: its bytes and AMQP properties, where to. */
export type RawMessage = { exchange: string; routingKey: string; content: Buffer; properties: Options.Publish };

export type Republisher = {
  /** Publishes `mandatory` and resolves once the broker confirmed it; rejects if it refused it or routed it to no queue. */
  publish(message: RawMessage): Promise<void>;
  close(): Promise<void>;
};

/**
 * A plain confirmed publisher for operator tools (a dead letter's replay): no topology, no recovery, no stamping; the
 * broker still checks the connection's permissions and the message's user-id against its user.
 */
export async function openRepublisher(url: string): Promise<Republisher> {
  const connection = await amqp.connect(url).catch((err: Error) => {
    throw new UnreachableError(`cannot publish to RabbitMQ at ${brokerLocation(url)} (${err.message})`);
  });
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  let failure: Error | undefined;
  const pending = new Set<(err: Error) => void>();
  channel.on('error', (err: Error) => (failure = err));
  channel.on('close', () => {
    for (const reject of pending) reject(failure ?? new Error('channel closed'));
  });
  const returned = new Set<string>();
  channel.on('return', (msg: amqp.Message) => returned.add(String(msg.properties.messageId)));
  return {
    async publish({ exchange, routingKey, content, properties }) {
      if (failure) throw failure;
      let rejectThis: ((err: Error) => void) | undefined;
      await new Promise<void>((resolve, reject) => {
        rejectThis = reject;
        pending.add(reject);
        try {
          channel.publish(exchange, routingKey, content, { ...properties, mandatory: true }, (err) => (err ? reject(failure ?? err) : resolve()));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }).finally(() => rejectThis && pending.delete(rejectThis));
      if (returned.delete(String(properties.messageId))) throw new Error(`no queue is bound to exchange '${exchange}' with routing key '${routingKey}'`);
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}

import type { ServiceName } from '@trading/contracts';
import { serviceAmqpUrl, testEnv } from '@trading/testkit';
import amqp, { type ConfirmChannel, type Options } from 'amqplib';

/** AMQP reply codes the broker closes a channel with. */
export const ACCESS_REFUSED = 403;
/** Another connection's exclusive queue. */
export const RESOURCE_LOCKED = 405;
export const PRECONDITION_FAILED = 406;

/**
 * What the broker answers when `service`'s user does `action` on this run's vhost, on a channel of its own: 0 if it
 * lets it, else the code it closes the channel with (ACCESS_REFUSED, PRECONDITION_FAILED, …).
 */
export async function brokerAnswer(service: ServiceName, action: (channel: ConfirmChannel) => Promise<unknown>): Promise<number> {
  const connection = await amqp.connect(serviceAmqpUrl(testEnv(), service));
  const channel = await connection.createConfirmChannel();
  let closedWith = 0;
  channel.on('error', (err: { code?: number }) => {
    closedWith = err.code ?? -1;
  });
  try {
    await action(channel);
    return 0;
  } catch (err) {
    return closedWith || ((err as { code?: number }).code ?? -1);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Publishes one message and resolves when the broker confirms it; rejects if the broker refuses it. */
export function publishOne(channel: ConfirmChannel, exchange: string, routingKey: string, options: Options.Publish = {}): Promise<void> {
  return new Promise((resolve, reject) =>
    channel.publish(exchange, routingKey, Buffer.from('{}'), options, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
  );
}

import { deadLetterHeaders as h, exchanges } from '@trading/contracts';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { BusState } from './busState.ts';
import { countDeadLettered } from './metrics.ts';
import { settle } from './settle.ts';
import { waitForChannel } from './waitForChannel.ts';

/** Sends the message to the dead-letter exchange with the reason, then acks it. Left unacked if that fails. */
export async function deadLetter(state: BusState, channel: Channel, queue: string, msg: ConsumeMessage, error: Error): Promise<void> {
  state.log.error({ err: error.message, queue, messageId: msg.properties.messageId }, 'dead-lettering message');
  try {
    await republish(state, msg, queue, error);
    settle(() => channel.ack(msg));
    countDeadLettered(queue);
  } catch (publishError) {
    state.log.warn({ err: (publishError as Error).message }, 'could not dead-letter; leaving the message unacked');
  }
}

/** Republishes as this connection's user (the broker refuses anyone else's user-id), keeping the publisher's. */
async function republish(state: BusState, msg: ConsumeMessage, queue: string, error: Error): Promise<void> {
  const channel = await waitForChannel(state);
  const { userId } = msg.properties;
  const headers = {
    ...(msg.properties.headers ?? {}),
    ...(userId ? { [h.originalUserId]: userId } : {}),
    [h.originalExchange]: msg.fields.exchange,
    [h.error]: error.message.slice(0, 1000),
    [h.errorName]: error.name,
    [h.failedQueue]: queue,
    [h.failedService]: state.options.service,
    [h.failedAt]: new Date().toISOString(),
  };
  const properties = { ...msg.properties, headers, userId: state.username, persistent: true };
  await new Promise<void>((resolve, reject) =>
    channel.publish(exchanges.deadLetter, msg.fields.routingKey, msg.content, properties, (err) => (err ? reject(err) : resolve())),
  );
}

import { type Delivery, exchanges, queues, readsSchemaVersion, SCHEMA_VERSION, schemaVersionOf } from '@trading/contracts';
import { PoisonMessageError, TransientError } from '@trading/platform';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { BusState, Handler } from './busState.ts';
import { deadLetter } from './deadLetter.ts';
import { countDelivery } from './metrics.ts';
import { settle } from './settle.ts';
import { settleFailure } from './settleFailure.ts';

/**
 * Runs the handler on one message and settles it: acked once the handler resolves; after a transient failure run
 * again with backoff for as long as the bus consumes; after any other failure settled by settleFailure. A body that
 * is not JSON, or a message of a schema version this code does not read (versions.ts), is dead-lettered at once
 * (but not a dead letter, on the dead-letter queue or a private queue bound to its exchange: its readers take what
 * the others could not, a body that is not JSON as `undefined`, its bytes in `raw`).
 */
export async function handleDelivery(state: BusState, channel: Channel, queue: string, handler: Handler, msg: ConsumeMessage): Promise<void> {
  countDelivery(queue, msg.fields.redelivered);
  const deadLetters = queue === queues.deadLetter || msg.fields.exchange === exchanges.deadLetter;
  const delivery = toDelivery(msg, deadLetters);
  if (!delivery) {
    await deadLetter(state, channel, queue, msg, new PoisonMessageError('body is not valid JSON'));
    return;
  }
  if (!readsSchemaVersion(delivery.schemaVersion) && !deadLetters) {
    const error = new PoisonMessageError(`schema version ${delivery.schemaVersion}: this consumer reads ${SCHEMA_VERSION - 1} and ${SCHEMA_VERSION}`);
    await deadLetter(state, channel, queue, msg, error);
    return;
  }
  for (let transientFailures = 0; ; transientFailures += 1) {
    try {
      await handler(delivery);
      settle(() => channel.ack(msg));
      return;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (error instanceof TransientError && state.consuming) {
        // The message is fine and stays in hand; wait for the infrastructure to come back, then run it again.
        const delayMs = Math.min(5000, 100 * 2 ** transientFailures);
        state.log.warn({ err: error.message, queue, messageId: delivery.messageId, delayMs }, 'transient failure; retrying');
        await new Promise((r) => setTimeout(r, delayMs));
        continue;
      }
      await settleFailure(state, channel, queue, msg, delivery, error);
      return;
    }
  }
}

/** The message as a handler sees it; undefined if its body is not JSON (unless `anyBody`: then its body is undefined). */
function toDelivery(msg: ConsumeMessage, anyBody: boolean): Delivery | undefined {
  const headers = msg.properties.headers ?? {};
  let body: unknown;
  try {
    body = JSON.parse(msg.content.toString('utf8'));
  } catch {
    if (!anyBody) return undefined;
  }
  return {
    body,
    messageId: msg.properties.messageId,
    type: msg.properties.type,
    correlationId: msg.properties.correlationId,
    replyTo: msg.properties.replyTo,
    userId: msg.properties.userId,
    headers,
    exchange: msg.fields.exchange,
    routingKey: msg.fields.routingKey,
    redelivered: msg.fields.redelivered,
    deliveryCount: Number(headers['x-delivery-count'] ?? 0),
    schemaVersion: schemaVersionOf(headers),
    raw: { content: msg.content, properties: msg.properties as unknown as Record<string, unknown> },
  };
}

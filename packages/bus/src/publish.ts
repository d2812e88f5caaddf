import { type OutgoingMessage, PARTITION_HEADER, partitionedSources, partitionKeyOf, withSchemaVersion } from '@trading/contracts';
import { extractTraceContext, injectTraceContext, TransientError, withSpan } from '@trading/platform';
import { once } from 'node:events';
import type { BusState } from './busState.ts';
import { countNacked } from './metrics.ts';
import { renewPublishChannel } from './renewPublishChannel.ts';
import { waitForChannel } from './waitForChannel.ts';

/**
 * Publishes and resolves once the broker has confirmed the message (persisted on a quorum queue); rejects with a
 * TransientError when it was nacked or its channel closed first (a broker node dying, a queue without a leader), so a
 * handler that publishes is retried rather than spending its attempts on the broker's trouble; after a nack the next
 * publishes go on a new channel (renewPublishChannel). The message carries
 * the schema version it was written in: its own header if it has one (an outbox row), or the current one. One that may
 * reach Payment's or Trade's partitions carries the key they are chosen by (partitionKeyOf: its user). With tracing
 * on, the publish is a PRODUCER span continuing the trace the message's headers carry (an outbox row's, a replayed
 * dead letter's) or else the active one, and the message carries that span's `traceparent`.
 */
export function publish(state: BusState, message: OutgoingMessage): Promise<void> {
  const attributes = {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'send',
    'messaging.destination.name': message.exchange,
    'messaging.rabbitmq.destination.routing_key': message.routingKey,
    'messaging.message.id': message.messageId,
    'messaging.message.conversation_id': message.correlationId,
  };
  const parent = extractTraceContext(message.headers);
  return withSpan(`${message.exchange || 'amq.default'} publish`, { kind: 'producer', parent, attributes }, () => send(state, message));
}

async function send(state: BusState, message: OutgoingMessage): Promise<void> {
  let channel = await waitForChannel(state);
  if (state.drained) {
    await state.drained;
    channel = await waitForChannel(state);
  }
  const content = Buffer.from(JSON.stringify(message.body));
  await new Promise<void>((resolve, reject) => {
    const accepted = channel.publish(
      message.exchange,
      message.routingKey,
      content,
      {
        persistent: true,
        contentType: 'application/json',
        messageId: message.messageId,
        type: message.type,
        correlationId: message.correlationId,
        replyTo: message.replyTo,
        headers: injectTraceContext(withSchemaVersion(withPartitionKey(message))),
        ...(message.expirationMs === undefined ? {} : { expiration: String(message.expirationMs) }),
        appId: state.options.service,
        userId: state.username,
        timestamp: Math.floor(Date.now() / 1000),
      },
      (err) => {
        if (!err) return resolve();
        reject(new TransientError(`publish not confirmed: ${err instanceof Error ? err.message : String(err)}`));
        // amqplib's error for a basic.nack; a closed channel's ("channel closed") is the connection's business.
        if (err instanceof Error && err.message === 'message nacked') {
          countNacked();
          void renewPublishChannel(state, channel);
        }
      },
    );
    if (!accepted && !state.drained) {
      // A channel that closes before it drains settles the wait too: the publishes behind it then wait for the next
      // channel (waitForChannel) instead of forever.
      state.drained = Promise.race([once(channel, 'drain'), once(channel, 'close')]).finally(() => {
        state.drained = null;
      });
    }
  });
}

function withPartitionKey(message: OutgoingMessage): Record<string, string | number> | undefined {
  if (!partitionedSources.has(message.exchange)) return message.headers;
  return { [PARTITION_HEADER]: partitionKeyOf(message.body, message.messageId), ...message.headers };
}

import { type OutgoingMessage, withSchemaVersion } from '@trading/contracts';
import { once } from 'node:events';
import type { BusState } from './busState.ts';
import { waitForChannel } from './waitForChannel.ts';

/**
 * Publishes and resolves once the broker has confirmed the message (persisted on a quorum queue). The message carries
 * the schema version it was written in: its own header if it has one (an outbox row), or the current one.
 */
export async function publish(state: BusState, message: OutgoingMessage): Promise<void> {
  const channel = await waitForChannel(state);
  if (state.drained) await state.drained;
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
        headers: withSchemaVersion(message.headers),
        ...(message.expirationMs === undefined ? {} : { expiration: String(message.expirationMs) }),
        appId: state.options.service,
        userId: state.username,
        timestamp: Math.floor(Date.now() / 1000),
      },
      (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
    );
    if (!accepted && !state.drained) {
      state.drained = once(channel, 'drain').finally(() => {
        state.drained = null;
      });
    }
  });
}

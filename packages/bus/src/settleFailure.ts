import type { Delivery } from '@trading/contracts';
import { PoisonMessageError, TransientError } from '@trading/platform';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { BusState } from './busState.ts';
import { deadLetter } from './deadLetter.ts';
import { settle } from './settle.ts';

/**
 * A handler failure: retried through the queue, or dead-lettered with its reason once the attempts are spent (a
 * poison message at once). A transient failure met while shutting down goes back to its queue for another instance.
 */
export async function settleFailure(state: BusState, channel: Channel, queue: string, msg: ConsumeMessage, delivery: Delivery, error: Error): Promise<void> {
  const attempts = delivery.deliveryCount + 1;
  const maxAttempts = state.options.maxAttempts ?? 3;
  if (error instanceof TransientError) {
    settle(() => channel.nack(msg, false, true));
  } else if (error instanceof PoisonMessageError || attempts >= maxAttempts) {
    await deadLetter(state, channel, queue, msg, error);
  } else {
    state.log.warn({ err: error.message, queue, messageId: delivery.messageId, attempts }, 'handler failed; will retry');
    await new Promise((r) => setTimeout(r, 50 * attempts));
    settle(() => channel.nack(msg, false, true));
  }
}

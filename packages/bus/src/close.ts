import type { BusState } from './busState.ts';

/** Stops taking new messages and waits until every message in hand is settled (acked or requeued). */
export async function stopConsuming(state: BusState): Promise<void> {
  state.consuming = false;
  for (const consumer of state.consumers) {
    if (consumer.channel && consumer.tag) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
  }
  await Promise.allSettled([...state.inFlight]);
}

/** Stops consuming, settles what is in hand, then closes the connection for good (no recovery). */
export async function close(state: BusState): Promise<void> {
  if (state.consuming) await stopConsuming(state);
  state.closing = true;
  state.model = null;
  state.publishChannel = null;
  await state.connection?.close();
}

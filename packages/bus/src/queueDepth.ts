import { TransientError } from '@trading/platform';
import type { BusState } from './busState.ts';

/** How many messages wait in a queue, by a passive declare on a channel of its own (no permission needed). */
export async function queueDepth(state: BusState, queue: string): Promise<number> {
  if (!state.model) throw new TransientError('the broker is not connected');
  const channel = await state.model.createChannel();
  channel.on('error', () => undefined);
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

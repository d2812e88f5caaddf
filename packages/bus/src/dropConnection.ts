import type { ChannelModel } from 'amqplib';
import type { BusState } from './busState.ts';

/**
 * A channel closed by the broker while the connection stays up would leave the bus half-connected: close the
 * connection instead, so recovery rebuilds everything. Only for the current connection, and not while closing.
 */
export function dropConnection(state: BusState, model: ChannelModel, current: boolean): void {
  if (state.closing || !current) return;
  state.model = null;
  state.publishChannel = null;
  model.close().catch(() => undefined);
}

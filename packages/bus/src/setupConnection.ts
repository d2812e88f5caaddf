import type { ChannelModel } from 'amqplib';
import { assertTopology } from './assertTopology.ts';
import type { BusState } from './busState.ts';
import { startConsumer } from './consume.ts';
import { openPublishChannel } from './renewPublishChannel.ts';

/**
 * Runs after every successful (re)connect, before the connection is handed out: opens the publish channel, asserts
 * the topology, starts every registered consumer, hands the channel to the publishes waiting for it and, after a
 * reconnect, tells the reconnect listeners.
 */
export async function setupConnection(state: BusState, model: ChannelModel): Promise<void> {
  const channel = await openPublishChannel(state, model);
  if (state.topology) await assertTopology(channel, state.topology);
  for (const consumer of state.consumers) await startConsumer(state, model, consumer);
  state.blocked = false;
  state.model = model;
  state.publishChannel = channel;
  for (const resolve of state.waiters.splice(0)) resolve(channel);
  if (state.connects++ > 0) for (const listener of state.reconnectListeners) listener();
}

import type { ConfirmChannel } from 'amqplib';
import type { BusState } from './busState.ts';
import { dropConnection } from './dropConnection.ts';

/** At most one new publish channel this often: a queue that keeps refusing (it is full) must not churn channels. */
const MIN_INTERVAL_MS = 250;
/** How long the replaced channel is given to settle the publishes it still holds before it is closed. */
const SETTLE_MS = 5000;

/** Opens the connection's publish channel: an error is logged, and its close (the broker's doing) drops the connection. */
export async function openPublishChannel(state: BusState, model: NonNullable<BusState['model']>): Promise<ConfirmChannel> {
  const channel = await model.createConfirmChannel();
  // Listened to at once: a declaration the broker refuses (a queue whose home node is down, 404) closes the channel
  // with an error event, which unheard would crash the process instead of failing the setup.
  channel.on('error', (err: Error) => state.log.warn({ err: err.message }, 'publish channel error'));
  channel.on('close', () => dropConnection(state, model, channel === state.publishChannel));
  return channel;
}

/**
 * Replaces the publish channel after the broker nacked a message on it. On RabbitMQ 3.10, a channel whose first
 * publish to a quorum queue came just as the queue's leader node died has every later publish to that queue nacked
 * until the dead node is back, from seconds to minutes, while a new channel publishes as soon as the queue has its
 * new leader (it seems to hold on to the dead one; later releases look the leader up better: rabbitmq-server#9241).
 * Publishes go to the new channel at once; the old one settles what it holds and is closed.
 * `packages/faults/test/cluster.e2e.spec.ts` reproduces the case on the cluster.
 */
export async function renewPublishChannel(state: BusState, nacked: ConfirmChannel): Promise<void> {
  const model = state.model;
  if (!model || state.publishChannel !== nacked || state.renewing || Date.now() - state.renewedAt < MIN_INTERVAL_MS) return;
  state.renewing = true;
  try {
    const channel = await openPublishChannel(state, model);
    if (state.model !== model || state.publishChannel !== nacked) {
      await channel.close().catch(() => undefined);
      return;
    }
    state.publishChannel = channel;
    state.renewedAt = Date.now();
    state.log.info('a publish was nacked: publishing on a new channel');
    const settled = nacked.waitForConfirms().catch(() => undefined);
    const timer = new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref());
    void Promise.race([settled, timer]).then(() => nacked.close().catch(() => undefined));
  } catch (err) {
    state.log.warn({ err: (err as Error).message }, 'could not open a new publish channel; keeping the old one');
  } finally {
    state.renewing = false;
  }
}

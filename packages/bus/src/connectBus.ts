import type { OutgoingMessage } from '@trading/contracts';
import { type Binding, type BusOptions, createBusState, type Handler } from './busState.ts';
import { close, stopConsuming } from './close.ts';
import { connect } from './connect.ts';
import { addConsumer, type Consumption } from './consume.ts';
import { followPrivate, type PrivateQueue } from './privateQueue.ts';
import { publish } from './publish.ts';
import { queueDepth } from './queueDepth.ts';

export type Bus = {
  /** True while a connection is up and its publish channel open. */
  readonly connected: boolean;
  /** True while the broker blocks publishers (a memory or disk alarm). */
  readonly blocked: boolean;
  /** Publishes and resolves once the broker has confirmed the message (persisted on a quorum queue). */
  publish(message: OutgoingMessage): Promise<void>;
  /**
   * Consumes a durable queue of the topology; each message is acked only after `handler` resolves. `prefetch` bounds
   * the messages in hand at once on this queue (default the bus's), e.g. to run few queries side by side. It consumes
   * across reconnects until its `stop` (a partition handed to another instance), which finishes what the handler
   * holds, then leaves the rest to the broker.
   */
  consume(queue: string, handler: Handler, options?: { prefetch?: number }): Promise<Consumption>;
  /**
   * Consumes a private queue bound with `bindings` (a gateway's replies): exclusive to this connection, gone with it,
   * declared again on every reconnect. `options.name` names it (a gateway's `gateway.<instance>`); default server-named.
   */
  consumePrivate(bindings: readonly Binding[], handler: Handler, options?: { name?: string }): Promise<Consumption>;
  /**
   * Consumes a private queue whose bindings change while it runs (a gateway's live feeds: one binding per feed its
   * subscribers want), named like consumePrivate's. The bindings are made again on every reconnect.
   */
  followPrivate(handler: Handler, options?: { name?: string }): Promise<PrivateQueue>;
  /** How many messages wait in a queue; a TransientError while the broker is not connected. */
  queueDepth(queue: string): Promise<number>;
  /**
   * Called after every reconnect, once channels, topology and consumers are back: what was published to a private
   * queue while the connection was down is lost, and a listener can catch up (a gateway re-checks its sockets' keys).
   */
  onReconnect(listener: () => void): void;
  /**
   * Called when the connection is lost: publishes fail or wait from then on, and a private queue is gone with what
   * was published to it (a gateway answers the requests still waiting for a reply there).
   */
  onDisconnect(listener: () => void): void;
  /** Stops taking new messages and waits until every message in hand is settled (acked or requeued). */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
};

/** Connects to RabbitMQ with automatic recovery: channels, topology and consumers are re-created after every reconnect. */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const state = createBusState(options);
  await connect(state);
  return {
    get connected() {
      return state.publishChannel !== null;
    },
    get blocked() {
      return state.blocked;
    },
    publish: (message) => publish(state, message),
    consume: (queue, handler, options = {}) => addConsumer(state, { queue, handler, ...options }),
    consumePrivate: (bindings, handler, options = {}) => addConsumer(state, { bindings, handler, privateName: options.name }),
    followPrivate: (handler, options = {}) => followPrivate(state, handler, options.name),
    queueDepth: (queue) => queueDepth(state, queue),
    onReconnect: (listener) => void state.reconnectListeners.push(listener),
    onDisconnect: (listener) => void state.disconnectListeners.push(listener),
    stopConsuming: () => stopConsuming(state),
    close: () => close(state),
  };
}

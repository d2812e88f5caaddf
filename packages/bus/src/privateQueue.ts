import type { Binding, BusState, Consumer, Handler } from './busState.ts';
import { addConsumer } from './consume.ts';

/** A private queue's bindings, changed while it is consumed. */
export type PrivateQueue = {
  /** Adds a binding (at once if connected, else at the next connect); resolves once the broker made it. */
  bind(binding: Binding): Promise<void>;
  /** Removes a binding; what was routed by it before may still arrive. */
  unbind(binding: Binding): Promise<void>;
};

const same = (a: Binding, b: Binding): boolean => a.exchange === b.exchange && a.routingKey === b.routingKey;

/**
 * A private queue (server-named unless named) whose bindings are the current list: startConsumer binds them all at every
 * (re)connect, and bind/unbind change the live queue when there is one. A failure on the live channel is left to
 * the connection's recovery, which binds the list again.
 */
export async function followPrivate(state: BusState, handler: Handler, name?: string): Promise<PrivateQueue> {
  const bindings: Binding[] = [];
  const consumer: Omit<Consumer, 'inFlight'> = { handler, bindings, ...(name ? { privateName: name } : {}) };
  await addConsumer(state, consumer);
  const live = () => (state.model && consumer.channel && consumer.privateQueue ? { channel: consumer.channel, queue: consumer.privateQueue } : undefined);
  return {
    async bind(binding) {
      if (!bindings.some((b) => same(b, binding))) bindings.push(binding);
      const now = live();
      if (now) await now.channel.bindQueue(now.queue, binding.exchange, binding.routingKey).catch(() => undefined);
    },
    async unbind(binding) {
      const at = bindings.findIndex((b) => same(b, binding));
      if (at >= 0) bindings.splice(at, 1);
      const now = live();
      if (now) await now.channel.unbindQueue(now.queue, binding.exchange, binding.routingKey).catch(() => undefined);
    },
  };
}

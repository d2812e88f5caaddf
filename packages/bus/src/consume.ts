import type { ChannelModel } from 'amqplib';
import type { BusState, Consumer } from './busState.ts';
import { dropConnection } from './dropConnection.ts';
import { handleDelivery } from './handleDelivery.ts';
import { traceHandler } from './traceHandler.ts';

/** What stops one consumer: see removeConsumer. */
export type Consumption = { stop(): Promise<void> };

/** Registers a consumer, kept across reconnects (setupConnection starts them all again), and starts it if connected. */
export async function addConsumer(state: BusState, consumer: Omit<Consumer, 'inFlight'>): Promise<Consumption> {
  const registered: Consumer = Object.assign(consumer, { inFlight: new Set<Promise<void>>() });
  state.consumers.push(registered);
  if (state.model) await startConsumer(state, state.model, registered);
  return { stop: () => removeConsumer(state, registered) };
}

/**
 * Stops one consumer for good, in order: what it has handed to its handler is finished and settled first, then its
 * channel is closed, so the broker returns the messages it had delivered but the handler never saw to the queue,
 * ahead of the rest. A partition handed to another instance therefore starts where this one stopped.
 */
export async function removeConsumer(state: BusState, consumer: Consumer): Promise<void> {
  consumer.stopping = true;
  const index = state.consumers.indexOf(consumer);
  if (index >= 0) state.consumers.splice(index, 1);
  await Promise.allSettled([...consumer.inFlight]);
  await consumer.channel?.close().catch(() => undefined);
  consumer.channel = undefined;
}

/**
 * Starts a consumer on a channel of its own, with its prefetch, on its queue or on a private queue (named as it asks, or
 * by the server) bound as it asks. Each message is handed to handleDelivery and stays in `inFlight` until settled.
 */
export async function startConsumer(state: BusState, model: ChannelModel, consumer: Consumer): Promise<void> {
  const channel = await model.createChannel();
  channel.on('error', (err: Error) => state.log.warn({ err: err.message, queue: consumer.queue }, 'consumer channel error'));
  channel.on('close', () => {
    if (!state.closing && state.consuming && !consumer.stopping && state.model === model) dropConnection(state, model, true);
  });
  await channel.prefetch(consumer.prefetch ?? state.options.prefetch);
  let queue = consumer.queue;
  if (consumer.bindings) {
    queue = (await channel.assertQueue(consumer.privateName ?? '', { exclusive: true, autoDelete: true, durable: false })).queue;
    for (const b of [...consumer.bindings]) await channel.bindQueue(queue, b.exchange, b.routingKey);
    consumer.privateQueue = queue;
  }
  if (!queue) throw new Error('consumer without queue');
  const handler = traceHandler(consumer.bindings ? `${state.options.service}.private` : queue, consumer.handler);
  const { consumerTag } = await channel.consume(
    queue,
    (msg) => {
      if (consumer.stopping) return;
      if (msg === null) {
        state.log.warn({ queue }, 'consumer cancelled by the broker; reconnecting');
        model.close().catch(() => undefined);
        return;
      }
      const work = handleDelivery(state, channel, queue, handler, msg);
      state.inFlight.add(work);
      consumer.inFlight.add(work);
      void work.finally(() => {
        state.inFlight.delete(work);
        consumer.inFlight.delete(work);
      });
    },
    { noAck: false },
  );
  consumer.channel = channel;
  consumer.tag = consumerTag;
  // Removed while it was starting: removeConsumer found no channel to close.
  if (consumer.stopping) await channel.close().catch(() => undefined);
}

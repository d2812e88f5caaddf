import { queues, topology } from '@trading/contracts';
import { counter, gauge } from '@trading/platform';

const consumed = counter('trading_messages_consumed_total', 'Messages delivered to the consumers of this service, by queue.', ['queue']);
const redelivered = counter(
  'trading_messages_redelivered_total',
  'Deliveries the broker marked redelivered (a retry, or a message in hand when a consumer went away), by queue.',
  ['queue'],
);
const deadLettered = counter('trading_messages_dead_lettered_total', 'Messages this service sent to the dead-letter queue, by the queue they failed on.', [
  'queue',
]);
const nacked = counter(
  'trading_publishes_nacked_total',
  'Publishes the broker nacked (a queue without a leader, a node going down); each sends the next publishes on a new channel.',
);
const deadLetterDepth = gauge(
  'trading_dead_letter_queue_messages',
  'Messages waiting in the dead-letter queue, as last read by the service that watches it (Trade); no series elsewhere.',
  ['queue'],
);

const durableQueues: ReadonlySet<string> = new Set(topology.queues.map((q) => q.name));
/** A queue as a label: the topology's names as they are (a partition's, `payment.commands.3`, included); a private queue (gateway.<instance>, amq.gen-…) as `private`. */
const label = (queue: string) => ({ queue: durableQueues.has(queue) ? queue : 'private' });

export function countDelivery(queue: string, wasRedelivered: boolean): void {
  consumed.inc(label(queue));
  if (wasRedelivered) redelivered.inc(label(queue));
}

export function countDeadLettered(queue: string): void {
  deadLettered.inc(label(queue));
}

/** watchQueueDepth's reading, when the queue it watches is the dead-letter queue. */
export function recordQueueDepth(queue: string, depth: number): void {
  if (queue === queues.deadLetter) deadLetterDepth.set({ queue }, depth);
}

export function countNacked(): void {
  nacked.inc();
}

import { reactions } from '@trading/contracts';

/**
 * What one saga costs the broker and the database, counted from the services' code. Each step below is one
 * message handled in a transaction (processOnce: inbox claim, the effect, the outbox rows, the remembered
 * response) that sends the listed messages through the outbox, one row each: a reply, and each domain event on
 * `domain-events`, which the broker delivers only to the services that react to it (reactions.ts; an event nobody
 * reacts to, such as SagaCompleted, is confirmed and dropped). The domain events of the transaction also go, in one
 * EventBatch row between them, to Reporting on the `events` fanout (the rows the broker has confirmed are deleted
 * every 100 ms). Reporting stores the events of the batches it holds in transactions too. The counts are the most
 * a saga can cost, when every message is its own batch; under load the services share one transaction, and one
 * EventBatch, among the messages they hold. `fewestMessages` is that limit, where a saga's share of the event
 * batches is nothing; the bench measures the real commits (databaseActivity.ts).
 */
type Hop = { service: 'trade' | 'payment'; handles: string; sends: readonly string[] };

export const buyHops: readonly Hop[] = [
  { service: 'trade', handles: 'BUY', sends: ['OrderAccepted'] },
  { service: 'payment', handles: 'OrderAccepted', sends: ['FundsReserved'] },
  { service: 'trade', handles: 'FundsReserved', sends: ['TradeRecorded'] },
  { service: 'payment', handles: 'TradeRecorded', sends: ['FundsCaptured'] },
  { service: 'trade', handles: 'FundsCaptured', sends: ['Reply', 'SagaCompleted'] },
];

/**
 * Payment is delivered a SELL's OrderAccepted too (its queue is bound to the event's routing key) and acks it
 * without a step of its own: a routed message, but no hop.
 */
export const sellHops: readonly Hop[] = [
  { service: 'trade', handles: 'SELL', sends: ['OrderAccepted', 'HoldingReserved', 'TradeRecorded'] },
  { service: 'payment', handles: 'TradeRecorded', sends: ['FundsCredited'] },
  { service: 'trade', handles: 'FundsCredited', sends: ['Reply', 'SagaCompleted'] },
];

/** The events some service reacts to: Payment to Trade's, Trade to Payment's. */
const reactedTo = new Set<string>([...reactions.payment, ...reactions.trade]);

/** A message delivered to a queue on its own: a reply (the gateway's), or an event a service reacts to (that service's). */
const isRouted = (message: string) => message === 'Reply' || reactedTo.has(message);
/** Every message but replies is a domain event, on `domain-events` and in its transaction's EventBatch. */
const isEvent = (message: string) => message !== 'Reply';

export type SagaCost = {
  /** Persistent messages enqueued, delivered and acked per saga at most (the client's request included). */
  messages: number;
  /** The same when the events of many sagas share each EventBatch: the routed messages alone. */
  fewestMessages: number;
  /** Database commits per saga at most: per hop its transaction and an outbox DELETE, and one per event batch Reporting stores. */
  transactions: number;
  outboxRows: number;
  inboxRows: number;
};

export function costOf(hops: readonly Hop[]): SagaCost {
  const routed = 1 + hops.flatMap((hop) => hop.sends).filter(isRouted).length;
  const batches = hops.filter((hop) => hop.sends.some(isEvent)).length;
  return {
    messages: routed + batches,
    fewestMessages: routed,
    transactions: 2 * hops.length + batches,
    outboxRows: hops.flatMap((hop) => hop.sends).length + batches,
    inboxRows: hops.length,
  };
}

/** The average cost of a saga of the mix: BUY only, or BUY and SELL in equal numbers. */
export function sagaCost(mix: 'both' | 'buy'): SagaCost {
  const buy = costOf(buyHops);
  if (mix === 'buy') return buy;
  const sell = costOf(sellHops);
  const mean = (key: keyof SagaCost) => (buy[key] + sell[key]) / 2;
  return {
    messages: mean('messages'),
    fewestMessages: mean('fewestMessages'),
    transactions: mean('transactions'),
    outboxRows: mean('outboxRows'),
    inboxRows: mean('inboxRows'),
  };
}

import { sagaReplyTypes } from '@trading/contracts';

/**
 * What one saga costs the broker and the database, counted from the services' code. Each step below is one
 * message handled in a transaction (processOnce: inbox claim, the effect, the outbox rows, the remembered
 * response) that sends the listed messages through the outbox: a command or a reply one row each, and the domain
 * events of the transaction one EventBatch row between them, for the `events` fanout (the rows the broker has
 * confirmed are deleted every 100 ms). Reporting stores the events of the batches it holds in transactions too.
 * The counts are the most a saga can cost, when every message is its own batch; under load the services share one
 * transaction, and one EventBatch, among the messages they hold. `fewestMessages` is that limit, where a saga's
 * share of the event batches is nothing; the bench measures the real commits (databaseActivity.ts).
 */
type Hop = { service: 'trade' | 'payment'; handles: string; sends: readonly string[] };

export const buyHops: readonly Hop[] = [
  { service: 'trade', handles: 'BUY', sends: ['ReserveFunds', 'SagaStarted'] },
  { service: 'payment', handles: 'ReserveFunds', sends: ['FundsReserved'] },
  { service: 'trade', handles: 'FundsReserved', sends: ['CaptureFunds', 'TradeRecorded'] },
  { service: 'payment', handles: 'CaptureFunds', sends: ['FundsCaptured'] },
  { service: 'trade', handles: 'FundsCaptured', sends: ['Reply', 'SagaCompleted'] },
];

export const sellHops: readonly Hop[] = [
  { service: 'trade', handles: 'SELL', sends: ['CreditFunds', 'SagaStarted', 'HoldingReserved', 'TradeRecorded'] },
  { service: 'payment', handles: 'CreditFunds', sends: ['FundsCredited'] },
  { service: 'trade', handles: 'FundsCredited', sends: ['Reply', 'SagaCompleted'] },
];

const commands = new Set(['ReserveFunds', 'CaptureFunds', 'ReleaseFunds', 'CreditFunds']);
const sagaAnswers = new Set<string>(sagaReplyTypes);

/** A message sent on its own: a command (to Payment's queue), a reply (the gateway's), an answer to a saga command (Trade's). */
const isRouted = (message: string) => commands.has(message) || message === 'Reply' || sagaAnswers.has(message);
/** Every message but commands and replies is a domain event, in its transaction's EventBatch; a saga answer is both. */
const isEvent = (message: string) => !commands.has(message) && message !== 'Reply';

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
    outboxRows: routed - 1 + batches,
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

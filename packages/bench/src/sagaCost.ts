import { sagaReplyTypes } from '@trading/contracts';

/**
 * What one saga costs the broker and the database, counted from the services' code. Each step below is one
 * message handled in a transaction (processOnce: inbox claim, the effect, the outbox rows, the remembered
 * response) that sends the listed messages through the outbox (one row inserted each; the rows the broker has
 * confirmed are deleted every 100 ms). Reporting stores the domain events it receives in transactions too.
 * `transactions` is the most a saga can cost, when every message is its own batch; under load the services
 * share one transaction among the messages they hold, and the bench measures the real count (databaseActivity.ts).
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
const sagaReplies = new Set<string>(sagaReplyTypes);

/**
 * Queue deliveries of one message: a command reaches payment's queue, a reply the gateway's; a payment event
 * that answers a saga reaches Trade's queue and, through the events fanout, Reporting's; any other domain
 * event only Reporting's.
 */
function deliveries(message: string): number {
  if (commands.has(message) || message === 'Reply') return 1;
  return sagaReplies.has(message) ? 2 : 1;
}

const isEvent = (message: string) => !commands.has(message) && message !== 'Reply';

export type SagaCost = {
  /** Persistent messages enqueued, delivered and acked per saga (the client's request included). */
  messages: number;
  /** Database commits per saga at most: per hop its transaction and an outbox DELETE, and one per event Reporting stores. */
  transactions: number;
  outboxRows: number;
  inboxRows: number;
};

export function costOf(hops: readonly Hop[]): SagaCost {
  const sent = hops.flatMap((hop) => hop.sends);
  const events = sent.filter(isEvent).length;
  return {
    messages: 1 + sent.reduce((sum, message) => sum + deliveries(message), 0),
    transactions: 2 * hops.length + events,
    outboxRows: sent.length,
    inboxRows: hops.length,
  };
}

/** The average cost of a saga of the mix: BUY only, or BUY and SELL in equal numbers. */
export function sagaCost(mix: 'both' | 'buy'): SagaCost {
  const buy = costOf(buyHops);
  if (mix === 'buy') return buy;
  const sell = costOf(sellHops);
  const mean = (key: keyof SagaCost) => (buy[key] + sell[key]) / 2;
  return { messages: mean('messages'), transactions: mean('transactions'), outboxRows: mean('outboxRows'), inboxRows: mean('inboxRows') };
}

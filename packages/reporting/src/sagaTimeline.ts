import { type DomainEvent, eventRoutingKeys, type RequestId } from '@trading/contracts';
import { readStoredEvent } from './storedEvent.ts';

/** Where a saga stands: running until Trade announces its end, then SagaCompleted's or SagaFailed's outcome. */
export type SagaState = 'RUNNING' | 'COMPLETED' | 'REJECTED' | 'COMPENSATED' | 'TIMED_OUT';

/** One stored event of a saga, as the timeline shows it. Money and quantities are decimal strings, as the event has them. */
export type TimelineStep = {
  seq: string;
  at: string;
  /** Milliseconds since the saga's first event. */
  elapsed_ms: number;
  event: DomainEvent['type'];
  /** The producing service: the first word of the routing key. */
  producer: string;
  routing_key: string;
  /** The event's figures present: amount, reserve, quantity, price, limit_price, notional, fee, released. */
  amounts: Record<string, string>;
  outcome?: string;
  code?: string;
  reason?: string;
  trade_id?: string;
};

export type SagaTimeline = {
  order_id: string;
  /** The client's id of the order, as it sent it; null for a saga accepted before events carried it. */
  request_id: RequestId | null;
  user_id: string;
  side: 'BUY' | 'SELL' | null;
  symbol: string | null;
  quantity: string | null;
  limit_price: string | null;
  state: SagaState;
  /** Why a failed saga failed (SagaFailed's code and reason). */
  code: string | null;
  reason: string | null;
  started_at: string;
  ended_at: string | null;
  /** Trade's own measure of the saga, from acceptance to its end; null while it runs. */
  duration_ms: number | null;
  steps: TimelineStep[];
};

/** A row of the event store as the timeline reads it: `at` in ISO 8601 with milliseconds, UTC. */
export type SagaRow = { seq: string; source: string; at: string; payload: unknown };

const AMOUNTS = ['amount', 'reserve', 'quantity', 'price', 'limit_price', 'notional', 'fee', 'released'] as const;

/** The timeline of saga `orderId` from its stored events, in the order they happened (at least one). */
export function toTimeline(orderId: string, rows: readonly SagaRow[]): SagaTimeline {
  const events = rows.map((row) => ({ row, event: readStoredEvent(row.payload) }));
  const first = events[0];
  if (!first) throw new Error(`saga ${orderId} has no stored event`);
  const start = Date.parse(first.row.at);
  const steps = events.map(({ row, event }) => toStep(row, event, start));
  const order = events.find(({ event }) => 'symbol' in event)?.event as Extract<DomainEvent, { symbol: string }> | undefined;
  const accepted = events.find(({ event }) => event.type === 'OrderAccepted')?.event as Extract<DomainEvent, { type: 'OrderAccepted' }> | undefined;
  const end = events.find(({ event }) => event.type === 'SagaCompleted' || event.type === 'SagaFailed');
  const ended = end?.event as Extract<DomainEvent, { type: 'SagaCompleted' | 'SagaFailed' }> | undefined;
  return {
    order_id: orderId,
    request_id: accepted?.request_id ?? null,
    user_id: first.event.user_id,
    side: order?.side ?? null,
    symbol: order?.symbol ?? null,
    quantity: order?.quantity ?? null,
    limit_price: order?.limit_price ?? null,
    state: ended === undefined ? 'RUNNING' : ended.type === 'SagaCompleted' ? 'COMPLETED' : ended.outcome,
    code: ended?.type === 'SagaFailed' ? ended.code : null,
    reason: ended?.type === 'SagaFailed' ? ended.reason : null,
    started_at: first.row.at,
    ended_at: end?.row.at ?? null,
    duration_ms: ended?.duration_ms ?? null,
    steps,
  };
}

function toStep(row: SagaRow, event: DomainEvent, start: number): TimelineStep {
  const fields = event as Record<string, unknown>;
  const amounts = Object.fromEntries(AMOUNTS.flatMap((name) => (typeof fields[name] === 'string' ? [[name, fields[name] as string]] : [])));
  const step: TimelineStep = {
    seq: row.seq,
    at: row.at,
    elapsed_ms: Date.parse(row.at) - start,
    event: event.type,
    producer: row.source,
    routing_key: eventRoutingKeys[event.type] ?? row.source,
    amounts,
  };
  if (event.type === 'SagaCompleted') step.outcome = 'COMPLETED';
  if (event.type === 'SagaFailed') step.outcome = event.outcome;
  if ('code' in event) step.code = event.code;
  if ('reason' in event) step.reason = event.reason;
  if ('trade_id' in event) step.trade_id = event.trade_id;
  return step;
}

import { type DomainEvent, renamedEventTypes, upcastEvent } from '@trading/contracts';

/** One row of the event store: the facts reports filter and add up, and the whole event as payload. */
export type StoredEvent = {
  id: string;
  type: DomainEvent['type'];
  source: string;
  userId: string;
  symbol: string | null;
  side: 'BUY' | 'SELL' | null;
  amount: string | null;
  quantity: string | null;
  price: string | null;
  notional: string | null;
  sagaId: string | null;
  /** The client's request id of the order, as text: on OrderAccepted only. */
  requestId: string | null;
  outcome: string | null;
  code: string | null;
  durationMs: number | null;
  occurredAt: string;
  payload: DomainEvent;
};

/**
 * The types an older schema version stored under a name the current one no longer writes (contracts' legacy.ts), each
 * with the name it has now. Rows are never rewritten: whatever reads the store names them anew.
 */
const renamedTypes = new Map<string, string>(Object.entries(renamedEventTypes));

/** A stored payload as the current schema version names it (a row of version 1 may hold a SagaStarted). */
export const readStoredEvent = (payload: unknown): DomainEvent => upcastEvent(payload) as DomainEvent;

/** The current name of a stored (or asked for) event type. */
export const currentType = (type: string): string => renamedTypes.get(type) ?? type;

/** Every name rows of the current type `type` may be stored under: itself and the older names of it. */
export function storedTypes(type: string): string[] {
  const current = currentType(type);
  return [current, ...[...renamedTypes].filter(([, now]) => now === current).map(([old]) => old)];
}

/** The SQL expression of a `type` column as the current schema version names it. */
export function currentTypeSql(column = 'type'): string {
  if (renamedTypes.size === 0) return column;
  const cases = [...renamedTypes].map(([old, now]) => `WHEN '${old}' THEN '${now}'`).join(' ');
  return `CASE ${column} ${cases} ELSE ${column} END`;
}

/** The producing service is the first word of the routing key: payment.funds.deposited -> payment. */
export function sourceOf(routingKey: string): string {
  return routingKey.split('.')[0] ?? routingKey;
}

export function toStoredEvent(id: string, source: string, event: DomainEvent): StoredEvent {
  const row: StoredEvent = {
    id,
    type: event.type,
    source,
    userId: event.user_id,
    symbol: null,
    side: null,
    amount: null,
    quantity: null,
    price: null,
    notional: null,
    sagaId: 'saga_id' in event ? event.saga_id : null,
    requestId: event.type === 'OrderAccepted' && event.request_id !== undefined ? String(event.request_id) : null,
    outcome: null,
    code: null,
    durationMs: null,
    occurredAt: event.at,
    payload: event,
  };
  if ('amount' in event) row.amount = event.amount;
  if ('code' in event) row.code = event.code;
  if ('symbol' in event) {
    Object.assign(row, { symbol: event.symbol, side: event.side, quantity: event.quantity, price: event.price, notional: event.notional });
  }
  if (event.type === 'SagaCompleted') Object.assign(row, { outcome: 'COMPLETED', durationMs: event.duration_ms });
  if (event.type === 'SagaFailed') Object.assign(row, { outcome: event.outcome, durationMs: event.duration_ms });
  return row;
}

/** An event as the API, the live stream and the dashboard show it. */
export type EventView = {
  seq: string;
  id: string;
  type: string;
  source: string;
  user_id: string;
  symbol: string | null;
  side: string | null;
  amount: string | null;
  quantity: string | null;
  price: string | null;
  notional: string | null;
  saga_id: string | null;
  outcome: string | null;
  code: string | null;
  duration_ms: number | null;
  at: string;
};

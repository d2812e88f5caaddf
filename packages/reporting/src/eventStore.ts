import type { SqlClient } from '@trading/db';
import { readStoredEvent, type StoredEvent } from './storedEvent.ts';

const COLUMNS: [keyof StoredEvent, string, string][] = [
  ['id', 'id', 'uuid'],
  ['type', 'type', 'text'],
  ['source', 'source', 'text'],
  ['userId', 'user_id', 'uuid'],
  ['symbol', 'symbol', 'text'],
  ['side', 'side', 'text'],
  ['amount', 'amount', 'numeric'],
  ['quantity', 'quantity', 'numeric'],
  ['price', 'price', 'numeric'],
  ['notional', 'notional', 'numeric'],
  ['sagaId', 'saga_id', 'uuid'],
  ['requestId', 'request_id', 'text'],
  ['outcome', 'outcome', 'text'],
  ['code', 'code', 'text'],
  ['durationMs', 'duration_ms', 'int'],
  ['occurredAt', 'occurred_at', 'timestamptz'],
  ['payload', 'payload', 'jsonb'],
];

/**
 * Stores events once, in one statement. Returns the sequence number of each event stored now, by id; an event
 * whose id was stored before is left out.
 */
export async function insertEvents(tx: SqlClient, events: readonly StoredEvent[]): Promise<Map<string, string>> {
  const names = COLUMNS.map(([, column]) => column).join(', ');
  const arrays = COLUMNS.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ');
  const rows = await tx.$queryRawUnsafe<{ id: string; seq: string }[]>(
    `INSERT INTO reporting.event (${names}) SELECT * FROM unnest(${arrays})
     ON CONFLICT (id) DO NOTHING RETURNING id::text AS id, seq::text AS seq`,
    ...COLUMNS.map(([field]) => events.map((e) => (field === 'payload' ? JSON.stringify(e.payload) : e[field]))),
  );
  return new Map(rows.map((r) => [r.id, r.seq]));
}

export type StoredPayload = { seq: string; payload: StoredEvent['payload'] };

/** A page of the store in order, after sequence number `afterSeq`, each event as the current schema version names it. */
export async function readEventsAfter(tx: SqlClient, afterSeq: string, limit: number): Promise<StoredPayload[]> {
  const rows = await tx.$queryRawUnsafe<{ seq: string; payload: unknown }[]>(
    'SELECT seq::text AS seq, payload FROM reporting.event WHERE seq > $1::bigint ORDER BY event.seq LIMIT $2',
    afterSeq,
    limit,
  );
  return rows.map((row) => ({ seq: row.seq, payload: readStoredEvent(row.payload) }));
}

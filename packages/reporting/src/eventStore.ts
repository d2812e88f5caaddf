import type { SqlClient } from '@trading/db';
import type { StoredEvent } from './storedEvent.ts';

/** Stores an event once. Returns its sequence number, or null when that event id was stored before. */
export async function insertEvent(tx: SqlClient, e: StoredEvent): Promise<string | null> {
  const rows = await tx.$queryRawUnsafe<{ seq: string }[]>(
    `INSERT INTO reporting.event (id, type, source, user_id, symbol, side, amount, quantity, price, notional, saga_id,
       outcome, code, duration_ms, occurred_at, payload)
     VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6, $7::numeric, $8::numeric, $9::numeric, $10::numeric, $11::uuid,
       $12, $13, $14::int, $15::timestamptz, $16::jsonb)
     ON CONFLICT (id) DO NOTHING RETURNING seq::text AS seq`,
    e.id,
    e.type,
    e.source,
    e.userId,
    e.symbol,
    e.side,
    e.amount,
    e.quantity,
    e.price,
    e.notional,
    e.sagaId,
    e.outcome,
    e.code,
    e.durationMs,
    e.occurredAt,
    JSON.stringify(e.payload),
  );
  return rows[0]?.seq ?? null;
}

export type StoredPayload = { seq: string; payload: StoredEvent['payload'] };

/** A page of the store in order, after sequence number `afterSeq`. */
export function readEventsAfter(tx: SqlClient, afterSeq: string, limit: number): PromiseLike<StoredPayload[]> {
  return tx.$queryRawUnsafe<StoredPayload[]>(
    'SELECT seq::text AS seq, payload FROM reporting.event WHERE seq > $1::bigint ORDER BY event.seq LIMIT $2',
    afterSeq,
    limit,
  );
}

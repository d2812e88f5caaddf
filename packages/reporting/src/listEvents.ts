import type { SqlClient } from '@trading/db';
import { type ReportCriteria, whereClause } from './criteria.ts';
import { currentTypeSql, type EventView } from './storedEvent.ts';

/** The columns of reporting.event as an EventView, its type as named now, numbers written without trailing zeros. */
const EVENT_VIEW_COLUMNS = `seq::text AS seq, id, ${currentTypeSql()} AS type, source, user_id, symbol, side,
  trim_scale(amount)::text AS amount, trim_scale(quantity)::text AS quantity, trim_scale(price)::text AS price,
  trim_scale(notional)::text AS notional, saga_id, outcome, code, duration_ms,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

/** The latest events matching the criteria, newest first. */
export function listEvents(db: SqlClient, criteria: ReportCriteria, limit: number): PromiseLike<EventView[]> {
  const where = whereClause(criteria);
  return db.$queryRawUnsafe<EventView[]>(
    `SELECT ${EVENT_VIEW_COLUMNS} FROM reporting.event ${where.sql} ORDER BY event.occurred_at DESC, event.seq DESC LIMIT ${Number(limit)}`,
    ...where.params,
  );
}

/** The events with these sequence numbers, in store order. */
export function eventsBySeq(db: SqlClient, seqs: readonly string[]): PromiseLike<EventView[]> {
  return db.$queryRawUnsafe<EventView[]>(`SELECT ${EVENT_VIEW_COLUMNS} FROM reporting.event WHERE event.seq = ANY($1::bigint[]) ORDER BY event.seq`, seqs);
}

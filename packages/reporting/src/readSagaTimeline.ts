import type { SqlClient } from '@trading/db';
import { type SagaRow, type SagaTimeline, toTimeline } from './sagaTimeline.ts';

/** What GET /api/sagas/<id> asks by: the id as sent, and, if it is a uuid, lower-cased (an order id is a uuid). */
export type SagaKey = { text: string; uuid: string | null };

export type SagaLookup = { found: SagaTimeline } | { ambiguous: string[] } | null;

/** A saga has a handful of events (8 at most today): a cap keeps a broken producer from making a reply unbounded. */
const MAX_STEPS = 200;
/** How many order ids an ambiguous request id is answered with. */
const MAX_CANDIDATES = 10;

/**
 * The timeline of the saga `key` names, seen by `userId` (undefined: by the operator, who sees every saga): first as an
 * order id, then as the request id of an order (the client's id, on its OrderAccepted). Another user's saga is as
 * unknown as a saga that does not exist. A request id of several sagas (another user's, the operator's for a user)
 * is ambiguous: their order ids, newest first. Two lookups down partial indexes (migration 0014) at most, whatever
 * the size of the store.
 */
export async function readSagaTimeline(db: SqlClient, key: SagaKey, userId: string | undefined): Promise<SagaLookup> {
  if (key.uuid !== null) {
    const rows = await sagaRows(db, key.uuid, userId);
    if (rows.length > 0) return { found: toTimeline(key.uuid, rows) };
  }
  const sagas = await sagasOfRequest(db, key.text, userId);
  const [only, ...others] = sagas;
  if (only === undefined) return null;
  if (others.length > 0) return { ambiguous: sagas };
  const rows = await sagaRows(db, only, userId);
  return rows.length > 0 ? { found: toTimeline(only, rows) } : null;
}

const owned = (userId: string | undefined, param: string): string => (userId === undefined ? '' : `AND event.user_id = ${param}::uuid`);
const withUser = (userId: string | undefined): string[] => (userId === undefined ? [] : [userId]);

function sagaRows(db: SqlClient, sagaId: string, userId: string | undefined): PromiseLike<SagaRow[]> {
  return db.$queryRawUnsafe<SagaRow[]>(
    `SELECT seq::text AS seq, source, payload, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
     FROM reporting.event WHERE event.saga_id = $1::uuid ${owned(userId, '$2')}
     ORDER BY event.occurred_at, event.seq LIMIT ${MAX_STEPS}`,
    sagaId,
    ...withUser(userId),
  );
}

async function sagasOfRequest(db: SqlClient, requestId: string, userId: string | undefined): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ saga_id: string }[]>(
    // Materialised: the request id's index finds the few rows first. Ordered and limited at once, the planner walks the
    // whole store backwards by time for an id nobody used (seconds on a large store, QUERY_TOO_LARGE instead of 404).
    `WITH matching AS MATERIALIZED (
       SELECT saga_id, occurred_at, seq FROM reporting.event WHERE event.request_id = $1 ${owned(userId, '$2')})
     SELECT saga_id::text AS saga_id FROM matching ORDER BY occurred_at DESC, seq DESC LIMIT ${MAX_CANDIDATES}`,
    requestId,
    ...withUser(userId),
  );
  return rows.map((row) => row.saga_id);
}

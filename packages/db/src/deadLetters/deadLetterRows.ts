import type { DeadLetterState } from '@trading/contracts';
import type { SqlClient } from '../sql.ts';

/** One row of reporting.dead_letter: a dead letter as the operator sees it. */
export type DeadLetter = {
  id: string;
  messageId: string;
  failedQueue: string;
  failedService: string;
  error: string;
  errorName: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  exchange: string;
  routingKey: string;
  publisher: string | null;
  publishedAt: Date | null;
  type: string | null;
  properties: Record<string, unknown>;
  body: string;
  state: DeadLetterState;
  stateChangedAt: Date;
  stateChangedBy: string | null;
};

const COLUMNS = `id, message_id AS "messageId", failed_queue AS "failedQueue", failed_service AS "failedService", error,
  error_name AS "errorName", attempts, first_failed_at AS "firstFailedAt", last_failed_at AS "lastFailedAt", exchange,
  routing_key AS "routingKey", publisher, published_at AS "publishedAt", type, properties, body, state,
  state_changed_at AS "stateChangedAt", state_changed_by AS "stateChangedBy"`;

export type DeadLetterFilter = { state?: DeadLetterState | undefined; queue?: string | undefined; limit: number };

/**
 * The dead letters in `state` (all by default), of one failed queue (a partitioned queue's name, `payment.commands`,
 * takes in its partitions, `payment.commands.<n>`) or all, the most recently failed first.
 */
export function listDeadLetters(db: SqlClient, { state, queue, limit }: DeadLetterFilter): Promise<DeadLetter[]> {
  return db.$queryRawUnsafe<DeadLetter[]>(
    `SELECT ${COLUMNS} FROM reporting.dead_letter
     WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR failed_queue = $2 OR starts_with(failed_queue, $2 || '.'))
     ORDER BY last_failed_at DESC, id LIMIT $3`,
    state ?? null,
    queue ?? null,
    limit,
  );
}

/** One dead letter by its id; undefined if there is none (or `id` is no uuid). `lock`: FOR UPDATE, in a transaction. */
export async function findDeadLetter(db: SqlClient, id: string, lock = false): Promise<DeadLetter | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const rows = await db.$queryRawUnsafe<DeadLetter[]>(
    `SELECT ${COLUMNS} FROM reporting.dead_letter WHERE id = $1::uuid${lock ? ' FOR UPDATE' : ''}`,
    id.toLowerCase(),
  );
  return rows[0];
}

/** Marks a dead letter replayed or dropped, by whom and when. */
export async function settleDeadLetter(db: SqlClient, id: string, state: Exclude<DeadLetterState, 'waiting'>, by: string, at: Date): Promise<void> {
  await db.$executeRawUnsafe(
    'UPDATE reporting.dead_letter SET state = $2, state_changed_at = $3::timestamptz, state_changed_by = $4 WHERE id = $1::uuid',
    id,
    state,
    at.toISOString(),
    by,
  );
}

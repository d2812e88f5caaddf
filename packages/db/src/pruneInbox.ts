import { type ServiceSchema, type SqlClient, table } from './sql.ts';

export type InboxRetention = {
  /** A key older than this is forgotten: a re-send older than the window is treated as a new request. */
  retentionHours: number;
  /** Most keys removed by one statement: each DELETE is its own short transaction. */
  batch: number;
};

/**
 * Removes the inbox keys older than the retention window, oldest first, `batch` at a time, until a statement
 * removes fewer than a batch or `signal` is aborted; returns how many were removed. Each DELETE commits on its own
 * and skips rows a handler holds (a claim in flight), so no lock is held for long and no handler waits on it.
 */
export async function pruneInbox(db: SqlClient, schema: ServiceSchema, retention: InboxRetention, signal?: AbortSignal): Promise<number> {
  const inbox = table(schema, 'inbox');
  let total = 0;
  for (;;) {
    const removed = await db.$executeRawUnsafe(
      `DELETE FROM ${inbox} AS inbox USING (
         SELECT key FROM ${inbox} WHERE created_at < now() - make_interval(hours => $1::int)
         ORDER BY created_at LIMIT $2::int FOR UPDATE SKIP LOCKED
       ) AS expired WHERE inbox.key = expired.key`,
      retention.retentionHours,
      retention.batch,
    );
    total += removed;
    if (removed < retention.batch || signal?.aborted) return total;
  }
}

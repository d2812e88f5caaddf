import type { SqlClient } from '../sql.ts';

/*
 * Writes that a batch's messages hand over, to run once for the whole batch after every message's effect and before
 * the commit: one statement for all of them, in the order they were handed over. For writes no decision of the
 * batch reads back (a ledger row, an audit row, a balance the service keeps as its own changes leave it), so that
 * a lane (one user's messages, one after another) pays no round trip for them. Only a transaction of
 * createProcessOnce defers: it flushes them; any other runs each write at once.
 */
type Queue = { items: unknown[]; run: (tx: SqlClient, items: readonly unknown[]) => Promise<void> };

const deferring = new WeakMap<SqlClient, Map<object, Queue>>();

/** Marks a transaction as one whose deferred writes are flushed before it commits (processOnce). */
export function startDeferring(tx: SqlClient): void {
  deferring.set(tx, new Map());
}

/** Runs the transaction's deferred writes, each kind as one statement over its items in order. */
export async function flushDeferred(tx: SqlClient): Promise<void> {
  const queues = deferring.get(tx);
  if (!queues) return;
  deferring.delete(tx);
  for (const { items, run } of queues.values()) await run(tx, items);
}

/**
 * A write that joins its transaction's deferred writes when the transaction defers (`run` then gets every item of
 * the batch, in order), and runs at once on its own otherwise. Resolves when the item is handed over or written.
 */
export function deferredWrite<I>(run: (tx: SqlClient, items: readonly I[]) => Promise<void>): (tx: SqlClient, item: I) => Promise<void> {
  const kind = {};
  return async (tx, item) => {
    const queues = deferring.get(tx);
    if (!queues) return run(tx, [item]);
    let queue = queues.get(kind);
    if (!queue) queues.set(kind, (queue = { items: [], run: run as Queue['run'] }));
    queue.items.push(item);
  };
}

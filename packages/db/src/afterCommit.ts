import type { SqlClient } from './sql.ts';

/** The callbacks each open transaction of createDatabase runs once it has committed. */
const committed = new WeakMap<SqlClient, Array<() => void>>();

/**
 * Runs `fn` once `tx` has committed (never if it rolls back), for what must count only what happened, such as a
 * metric; outside a transaction of createDatabase (a Prisma Client in tests), at once.
 */
export function afterCommit(tx: SqlClient, fn: () => void): void {
  const callbacks = committed.get(tx);
  if (callbacks) callbacks.push(fn);
  else fn();
}

/** For createDatabase: marks `tx` as a transaction, and returns what to call after its COMMIT. */
export function trackCommit(tx: SqlClient): () => void {
  const callbacks: Array<() => void> = [];
  committed.set(tx, callbacks);
  return () => {
    committed.delete(tx);
    for (const fn of callbacks) fn();
  };
}

import DataLoader from 'dataloader';
import type { SqlClient } from '../sql.ts';

declare const joinsBatch: unique symbol;

/**
 * A statement that joins its transaction's batch (README.md): the calls made side by side in one round, one per
 * message of the batch, run as one SQL statement, and each call gets its own item's answer. Its type says so at
 * every call site: `lockSaga(tx, id)` is one row of a statement the whole batch shares.
 */
export type BatchedStatement<I, O> = ((item: I) => Promise<O>) & { readonly [joinsBatch]: true };

/**
 * A batched statement that answers: `run` gets the round's items and answers one result per item, in order
 * (DataLoader's batching: the calls made before the event loop turns share one `run`).
 */
export function batchedQuery<I, O>(run: (items: readonly I[]) => Promise<readonly O[]>): BatchedStatement<I, O> {
  const loader = new DataLoader<I, O>(async (items) => run(items), { cache: false });
  return ((item: I) => loader.load(item)) as BatchedStatement<I, O>;
}

/** A batched statement that answers nothing: each caller resolves once the round's statement has run. */
export function batchedWrite<I>(run: (items: readonly I[]) => Promise<unknown>): BatchedStatement<I, void> {
  return batchedQuery(async (items: readonly I[]) => {
    await run(items);
    return items.map(() => undefined);
  });
}

/**
 * A store's batched statements, made for each transaction at its first use, so the statements a transaction's
 * messages share stay in it.
 */
// biome-ignore lint/suspicious/noExplicitAny: a store's statements take and answer items of their own types
export function batchedStatements<T extends Record<string, BatchedStatement<any, any>>>(create: (tx: SqlClient) => T): (tx: SqlClient) => T {
  const made = new WeakMap<SqlClient, T>();
  return (tx) => {
    let bound = made.get(tx);
    if (bound === undefined) made.set(tx, (bound = create(tx)));
    return bound;
  };
}

import DataLoader from 'dataloader';
import type { SqlClient } from './sql.ts';

/**
 * A statement shared by the calls made side by side. processOnce applies the messages of a batch concurrently;
 * each store function they call joins one statement per round (DataLoader's batching: the calls made before
 * the event loop turns), so a batch of twenty sagas locks its sagas with one SELECT and updates them with one
 * UPDATE instead of twenty of each. `run` answers one result per item, in order.
 */
export function coalesce<I, O>(run: (items: readonly I[]) => Promise<readonly O[]>): (item: I) => Promise<O> {
  const loader = new DataLoader<I, O>(async (items) => run(items), { cache: false });
  return (item) => loader.load(item);
}

/** `coalesce` for a statement that answers nothing: each caller resolves once it has run. */
export function coalesceWrites<I>(run: (items: readonly I[]) => Promise<unknown>): (item: I) => Promise<void> {
  return coalesce(async (items: readonly I[]) => {
    await run(items);
    return items.map(() => undefined);
  });
}

/**
 * Store functions bound to one transaction (or to the pool), made at its first use: the statements coalesced in
 * a transaction stay in it.
 */
export function perTransaction<T>(create: (tx: SqlClient) => T): (tx: SqlClient) => T {
  const made = new WeakMap<SqlClient, T>();
  return (tx) => {
    let bound = made.get(tx);
    if (bound === undefined) made.set(tx, (bound = create(tx)));
    return bound;
  };
}

/** Rows answered by their input position (`n`, from `unnest(...) WITH ORDINALITY`), back in the input's order. */
export function byPosition<R extends { n: string | number }>(rows: readonly R[], count: number): (R | undefined)[] {
  const found = new Map(rows.map((row) => [Number(row.n), row]));
  return Array.from({ length: count }, (_, i) => found.get(i + 1));
}

/**
 * Refuses a statement that would change one row twice (PostgreSQL would fail an upsert, and silently apply only
 * one of two UPDATEs): the batch fails, and its messages run again one at a time.
 */
export function assertDistinct<I>(items: readonly I[], rowOf: (item: I) => string, what: string): void {
  const rows = new Set(items.map(rowOf));
  if (rows.size !== items.length) throw new Error(`one statement would change one ${what} twice`);
}

/** The items as one array per column, the parameters of `unnest($1::uuid[], $2::text[], …)`. */
export function columns<I>(items: readonly I[], getters: readonly ((item: I) => unknown)[]): unknown[][] {
  return getters.map((get) => items.map(get));
}

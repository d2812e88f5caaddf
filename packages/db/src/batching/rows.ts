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

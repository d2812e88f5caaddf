import { type Clock, orAfter } from './clock.ts';

export type Queryable = { query(sql: string): Promise<unknown> };

/** A health probe: true if `SELECT 1` answers within `timeoutMs`. Never rejects. */
export function databaseProbe(db: Queryable, clock: Clock, timeoutMs: number): () => Promise<boolean> {
  return () =>
    orAfter(
      clock,
      timeoutMs,
      db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      false,
    );
}

import type { SqlClient } from './sql.ts';

/** A health probe for the operator port: true if `SELECT 1` answers within `timeoutMs`. Never rejects. */
export function databaseProbe(db: SqlClient, timeoutMs = 1000): () => Promise<boolean> {
  return () =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const settle = (up: boolean) => {
        clearTimeout(timer);
        resolve(up);
      };
      db.$queryRawUnsafe('SELECT 1').then(
        () => settle(true),
        () => settle(false),
      );
    });
}

import { TransientError } from '@trading/bus';

/** PostgreSQL serialization failure and deadlock, as the driver or Prisma (P2034) reports them. */
const CONFLICT = /40001|40P01|P2034|deadlock detected|could not serialize/;
/**
 * The database went away, not the message: a lost or refused connection, a connection-pool or transaction
 * timeout under an outage (P1001 can't reach, P1017 closed, P2024 pool timeout, P2028 transaction API error).
 */
const CONNECTION_LOST = /57P0[1-3]|\b08\d{3}\b|ECONNREFUSED|ECONNRESET|EPIPE|P1001|P1017|P2024|P2028|not queryable|Connection terminated|timeout exceeded when trying to connect/;

/**
 * Runs a transaction again when PostgreSQL aborted it for a conflict with a concurrent one. A lost database is
 * reported as a TransientError, so the bus keeps the message and tries again later instead of dead-lettering it.
 */
export async function withDatabaseRetries<T>(transaction: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (err) {
      const text = describe(err);
      if (CONNECTION_LOST.test(text)) throw new TransientError(`database unavailable: ${text.slice(0, 300)}`, { cause: err });
      if (attempt >= attempts || !CONFLICT.test(text)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

function describe(err: unknown): string {
  const { code, message, cause } = err as { code?: string; message?: string; cause?: { originalCode?: string; code?: string } };
  return `${code ?? ''} ${cause?.originalCode ?? cause?.code ?? ''} ${message ?? String(err)}`;
}

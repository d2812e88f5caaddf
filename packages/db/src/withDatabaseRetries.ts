import { asDatabaseFailure, classifyDatabaseError } from './databaseErrors.ts';

/**
 * Runs a transaction again when PostgreSQL aborted it for a conflict with a concurrent one (databaseErrors.ts). A lost
 * database is reported as a TransientError, so the bus keeps the message and tries again later instead of
 * dead-lettering it; a failure that would repeat (a data exception, a constraint violation) as a
 * DeterministicDatabaseError, which a handler answers instead of retrying.
 */
export async function withDatabaseRetries<T>(transaction: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= attempts || classifyDatabaseError(err) !== 'conflict') throw asDatabaseFailure(err);
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

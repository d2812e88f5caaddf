import { type Handler, readDeadLetter } from '@trading/bus';
import { recordDeadLetter, type SqlClient, withDatabaseRetries } from '@trading/db';
import type { Logger } from '@trading/platform';

/**
 * Reporting's consumer of the `dead-letter` queue: keeps each dead letter in reporting.dead_letter (recordDeadLetter,
 * idempotent on redelivery), and the bus acks it once the row is committed. A lost database is a TransientError: the
 * message stays in hand until the row can be written.
 */
export function createDeadLetterHandler(db: SqlClient, logger: Logger, now: () => Date): Handler {
  return async (delivery) => {
    const facts = readDeadLetter(delivery, now());
    const id = await withDatabaseRetries(() => recordDeadLetter(db, facts));
    logger.warn({ deadLetter: id, messageId: facts.messageId, queue: facts.failedQueue, service: facts.failedService, err: facts.error }, 'dead letter stored');
  };
}

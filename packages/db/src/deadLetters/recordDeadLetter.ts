import { randomUUID } from 'node:crypto';
import type { DeadLetterFacts } from '@trading/contracts';
import type { SqlClient } from '../sql.ts';

/**
 * Keeps one dead-lettering in reporting.dead_letter, idempotently: a redelivery of the same dead letter (same failure
 * key) changes nothing; the same message failing again on the same queue (a replay that failed) counts one more
 * attempt on its row, which waits again. Resolves with the row's id.
 */
export async function recordDeadLetter(db: SqlClient, facts: DeadLetterFacts): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO reporting.dead_letter AS d (id, message_id, failed_queue, failed_service, error, error_name, attempts, failure_key,
       first_failed_at, last_failed_at, exchange, routing_key, publisher, published_at, type, properties, body, state, state_changed_at)
     VALUES ($1::uuid, $2, $3, $4, $5, $6, 1, $7, $8::timestamptz, $8::timestamptz, $9, $10, $11, $12::timestamptz, $13, $14::jsonb, $15, 'waiting', $8::timestamptz)
     ON CONFLICT (failed_queue, message_id) DO UPDATE SET
       attempts = d.attempts + 1, failure_key = EXCLUDED.failure_key, failed_service = EXCLUDED.failed_service,
       error = EXCLUDED.error, error_name = EXCLUDED.error_name, last_failed_at = GREATEST(d.last_failed_at, EXCLUDED.last_failed_at),
       properties = EXCLUDED.properties, body = EXCLUDED.body, state = 'waiting', state_changed_at = EXCLUDED.last_failed_at, state_changed_by = NULL
     WHERE d.failure_key <> EXCLUDED.failure_key
     RETURNING id`,
    randomUUID(),
    facts.messageId,
    facts.failedQueue,
    facts.failedService,
    facts.error,
    facts.errorName,
    facts.failureKey,
    facts.failedAt.toISOString(),
    facts.exchange,
    facts.routingKey,
    facts.publisher ?? null,
    facts.publishedAt?.toISOString() ?? null,
    facts.type ?? null,
    JSON.stringify(facts.properties),
    facts.body,
  );
  if (rows[0]) return rows[0].id;
  const kept = await db.$queryRawUnsafe<{ id: string }[]>(
    'SELECT id FROM reporting.dead_letter WHERE failed_queue = $1 AND message_id = $2',
    facts.failedQueue,
    facts.messageId,
  );
  return kept[0]!.id;
}

import type { DeadLetter } from '@trading/db';

/** A dead letter as GET /api/dead-letters lists it: what failed where and how often, without its body. */
export type DeadLetterView = {
  id: string;
  message_id: string;
  type: string | null;
  failed_queue: string;
  failed_service: string;
  error: string;
  error_name: string;
  attempts: number;
  first_failed_at: string;
  last_failed_at: string;
};

export const deadLetterView = (d: DeadLetter): DeadLetterView => ({
  id: d.id,
  message_id: d.messageId,
  type: d.type,
  failed_queue: d.failedQueue,
  failed_service: d.failedService,
  error: d.error,
  error_name: d.errorName,
  attempts: d.attempts,
  first_failed_at: d.firstFailedAt.toISOString(),
  last_failed_at: d.lastFailedAt.toISOString(),
});

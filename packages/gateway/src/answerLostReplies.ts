import { errorReply } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import { answerPending, type PendingReplies } from './pendingReplies.ts';

/**
 * When the broker connection is lost. The gateway's reply queue is private to that connection: it goes with it,
 * and with it every reply on its way, as does every reply published before the next connection binds a new one.
 * The requests still waiting are answered REPLY_LOST at once, rather than REPLY_TIMEOUT after the full timeout:
 * the outcome is unknown, and the client learns it by re-sending the same id (its reply is remembered).
 */
export function answerLostReplies(pending: PendingReplies, logger: Logger): void {
  const lost = pending.takeAll();
  for (const request of lost) answerPending(request, errorReply(request.requestId, request.type, 'REPLY_LOST'));
  if (lost.length > 0) logger.warn({ requests: lost.length }, 'broker connection lost: the requests waiting for a reply were answered REPLY_LOST');
}

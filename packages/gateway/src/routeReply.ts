import type { Handler } from '@trading/bus';
import type { Logger } from '@trading/platform';
import type { PendingReplies } from './pendingReplies.ts';

/**
 * The reply queue's handler: a service's reply goes to the one socket whose request carries its correlation id.
 * A reply nobody waits for (timed out, socket closed, another gateway's) is acked and dropped.
 */
export function routeReply(pending: PendingReplies, logger: Logger): Handler {
  return async (delivery) => {
    const request = delivery.correlationId === undefined ? undefined : pending.take(delivery.correlationId);
    if (!request) {
      logger.debug({ correlationId: delivery.correlationId, messageId: delivery.messageId }, 'reply for no waiting request dropped');
      return;
    }
    request.connection.send(delivery.body);
    request.log.debug('reply sent');
  };
}

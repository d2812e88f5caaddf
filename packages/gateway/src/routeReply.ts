import type { Handler } from '@trading/bus';
import { brokerUsers, credentialRevoked, eventRoutingKeys, type Reply } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import { answerPending, type PendingReplies } from './pendingReplies.ts';

export type ReplyRoutes = {
  pending: PendingReplies;
  authenticator: Pick<Authenticator, 'settle' | 'revoked'>;
  connections: Iterable<Connection>;
  logger: Logger;
};

/** WebSocket close code for a socket whose key was revoked (1008: policy violation). */
export const REVOKED_CLOSE_CODE = 1008;

/**
 * The handler of this gateway's private queue: a revoked key closes every socket that authenticated with it; Payment's
 * answer to a key check settles it; a service's reply goes to the one socket whose request carries its correlation
 * id. A reply nobody waits for (timed out, socket closed, another gateway's) is acked and dropped.
 */
export function routeReply({ pending, authenticator, connections, logger }: ReplyRoutes): Handler {
  return async (delivery) => {
    if (delivery.routingKey === eventRoutingKeys.CredentialRevoked) {
      const revoked = credentialRevoked.safeParse(delivery.body);
      if (!revoked.success || delivery.userId !== brokerUsers.payment) return;
      const keyHash = revoked.data.key_sha256;
      authenticator.revoked(keyHash);
      let closed = 0;
      for (const connection of [...connections]) {
        if (connection.identity.keyHash !== keyHash) continue;
        connection.end(REVOKED_CLOSE_CODE, 'api key revoked');
        closed += 1;
      }
      logger.info({ userId: revoked.data.user_id, reason: revoked.data.reason, closed }, 'api key revoked');
      return;
    }
    if (authenticator.settle(delivery)) return;
    const request = delivery.correlationId === undefined ? undefined : pending.take(delivery.correlationId);
    if (!request) {
      logger.debug({ correlationId: delivery.correlationId, messageId: delivery.messageId }, 'reply for no waiting request dropped');
      return;
    }
    const reply = delivery.body as Reply;
    answerPending(request, reply);
    request.log.debug('reply sent');
  };
}

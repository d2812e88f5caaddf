import type { Bus } from '@trading/bus';
import { type ClientRequest, errorReply, requestRoutes } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Connection } from './connection.ts';
import type { PendingReplies } from './pendingReplies.ts';

export type PublishContext = {
  bus: Pick<Bus, 'publish'>;
  pending: PendingReplies;
  /** Routing key of this gateway's reply queue on both response exchanges. */
  replyTo: string;
  newId: () => string;
  logger: Logger;
};

/**
 * Sends a valid request to its service. It waits for its reply from before the publish, because a fast
 * service can answer before the broker's confirm arrives. A failed publish is answered BROKER_BUSY,
 * unless a reply or the timeout answered it first.
 */
export function publishRequest(ctx: PublishContext, connection: Connection, request: ClientRequest): void {
  const correlationId = ctx.newId();
  const log = ctx.logger.child({ requestId: request.id, correlationId, type: request.type });
  ctx.pending.add({ correlationId, requestId: request.id, type: request.type, connection, log });
  const route = requestRoutes[request.type];
  ctx.bus
    .publish({
      exchange: route.exchange,
      routingKey: route.routingKey,
      messageId: ctx.newId(),
      type: request.type,
      body: request,
      correlationId,
      replyTo: ctx.replyTo,
      headers: { 'x-session': connection.sessionId, 'x-request-id': String(request.id) },
    })
    .then(
      () => log.debug('request published'),
      (err: unknown) => {
        log.debug({ err }, 'publish failed');
        ctx.pending.take(correlationId)?.connection.send(errorReply(request.id, request.type, 'BROKER_BUSY'));
      },
    );
}

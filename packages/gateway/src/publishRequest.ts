import type { Bus } from '@trading/bus';
import { authHeaders, type ClientRequest, encodePrincipal, errorReply, type Reply, type RequestType, requestRoutes } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import { newKeyFor } from './newKeyReply.ts';
import { answerPending, type PendingReplies } from './pendingReplies.ts';
import type { RequestSpan } from './requestSpan.ts';

export type PublishContext = {
  bus: Pick<Bus, 'publish'>;
  pending: PendingReplies;
  authenticator: Pick<Authenticator, 'issued'>;
  /** Routing key of this gateway's reply queue on both response exchanges. */
  replyTo: string;
  newId: () => string;
  logger: Logger;
  /** A query's TTL on the broker (the reply timeout): once its client gave up, it is dropped unrun. */
  queryTtlMs?: number;
};

/** A request the gateway publishes on behalf of another (SUBSCRIBE's snapshot): the type its reply bears, and how it is made. */
export type Answering = { type: RequestType; complete: (reply: Reply) => Reply };

/**
 * Sends an authorised request to its service, stamped with the connection's principal (the broker checks the
 * message's user-id, so the service knows a gateway stamped it). It waits for its reply from before the publish,
 * because a fast service can answer before the broker's confirm arrives. A failed publish is answered BROKER_BUSY,
 * unless a reply or the timeout answered it first. The request's span (if any) ends with the reply.
 */
export function publishRequest(ctx: PublishContext, connection: Connection, request: ClientRequest, span?: RequestSpan, answering?: Answering): void {
  const correlationId = ctx.newId();
  const log = ctx.logger.child({ requestId: request.id, correlationId, type: request.type });
  const newKey = request.type === 'ADD_USER' || request.type === 'ROTATE_API_KEY' ? newKeyFor(ctx.authenticator, connection, request) : undefined;
  const type = answering?.type ?? request.type;
  ctx.pending.add({ correlationId, requestId: request.id, type, connection, log, complete: answering?.complete ?? newKey?.complete, span });
  // A user's ADD_USER is scoped to its connection, as an anonymous socket's is: re-sent on the socket it authenticated,
  // it finds the first one's reply instead of making another account.
  const { principal } = connection.identity;
  const stamp = request.type === 'ADD_USER' && principal.kind === 'user' ? { kind: 'anonymous' as const, sessionId: connection.sessionId } : principal;
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
      ...('query' in route && ctx.queryTtlMs !== undefined ? { expirationMs: ctx.queryTtlMs } : {}),
      headers: {
        [authHeaders.principal]: encodePrincipal(stamp),
        'x-request-id': String(request.id),
        ...(newKey ? { [authHeaders.newKeyHash]: newKey.keyHash } : {}),
      },
    })
    .then(
      () => log.debug('request published'),
      (err: unknown) => {
        log.debug({ err }, 'publish failed');
        const waiting = ctx.pending.take(correlationId);
        if (waiting) answerPending(waiting, errorReply(request.id, type, 'BROKER_BUSY'));
      },
    );
}

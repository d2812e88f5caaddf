import { authorize, errorReply, isRequestType, parseRequest, type Reply, type RequestType } from '@trading/contracts';
import { type AdmissionContext, admitRequest } from './admitRequest.ts';
import { withTraceContext } from '@trading/platform';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import { decodeFrame } from './decodeFrame.ts';
import { login } from './login.ts';
import { type PublishContext, publishRequest } from './publishRequest.ts';
import { endRequestSpan, nameRequestSpan, type RequestSpan, startRequestSpan } from './requestSpan.ts';
import { requestStarted } from './replyMetrics.ts';
import { type RequestLimits, retryAfter } from './requestLimits.ts';
import { handleSubscription, type StreamContext } from './streams/subscribe.ts';
import type { StreamTickets } from './streamTickets.ts';

export type FrameContext = AdmissionContext &
  PublishContext &
  StreamContext & {
    maxFrameBytes: number;
    authenticator: Authenticator;
    tickets: StreamTickets;
    limits: RequestLimits;
  };

/**
 * One client frame: decode, validate, admit, limit, authorise, publish. Every refusal is answered at once and never
 * published, so a refused request changes nothing and claims no id; a frame without a usable id is answered with a
 * generated one. LOGIN is answered here, SUBSCRIBE and UNSUBSCRIBE by the feeds (streams/subscribe.ts). Each frame
 * is a SERVER span until its reply (requestSpan).
 */
export function handleFrame(ctx: FrameContext, connection: Connection, frame: ArrayBuffer, isBinary: boolean): void {
  const span = startRequestSpan(connection.sessionId);
  const refuse = (reply: Reply) => refuseWith(ctx, connection, reply, span);
  const generatedId = ctx.newId();
  const decoded = decodeFrame(frame, isBinary);
  if (!decoded.ok) return refuse(errorReply(generatedId, undefined, decoded.code));
  const parsed = parseRequest(decoded.value, generatedId);
  if (!parsed.ok) {
    const { code, message, field, rule } = parsed.error;
    return refuse(errorReply(parsed.id ?? generatedId, typeOf(decoded.value), code, message, { field, rule }));
  }
  const input = parsed.request;
  nameRequestSpan(span, input.type, input.id);
  requestStarted(connection, input.id);
  const refusal = admitRequest(ctx, connection);
  if (refusal) return refuse(errorReply(input.id, input.type, refusal));
  const waitMs = retryAfter(ctx.limits, connection, input.type);
  if (waitMs !== undefined) return refuse(errorReply(input.id, input.type, 'RATE_LIMITED', undefined, { retry_after_ms: waitMs }));
  if (input.type === 'LOGIN')
    return withTraceContext(span.context, () => login(ctx.authenticator, ctx.tickets, connection, input, (reply) => endRequestSpan(span, reply)));
  if (input.type === 'SUBSCRIBE' || input.type === 'UNSUBSCRIBE') return withTraceContext(span.context, () => handleSubscription(ctx, connection, input, span));
  const authorized = authorize(connection.identity.principal, input);
  if (!authorized.ok) {
    const { code, message, field } = authorized;
    return refuse(errorReply(input.id, input.type, code, message, field ? { field } : {}));
  }
  withTraceContext(span.context, () => publishRequest(ctx, connection, authorized.request, span));
}

function refuseWith(ctx: FrameContext, connection: Connection, reply: Reply, span: RequestSpan): void {
  ctx.logger.debug({ sessionId: connection.sessionId, requestId: reply.id, code: reply.code }, 'request refused');
  connection.send(reply);
  endRequestSpan(span, reply);
}

function typeOf(raw: unknown): RequestType | undefined {
  const type = (raw as { type?: unknown } | null)?.type;
  return isRequestType(type) ? type : undefined;
}

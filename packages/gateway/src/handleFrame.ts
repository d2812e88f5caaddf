import { authorize, errorReply, isRequestType, parseRequest, type Reply, type RequestType } from '@trading/contracts';
import { type AdmissionContext, admitRequest } from './admitRequest.ts';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import { decodeFrame } from './decodeFrame.ts';
import { login } from './login.ts';
import { type PublishContext, publishRequest } from './publishRequest.ts';
import { type RequestLimits, retryAfter } from './requestLimits.ts';
import { handleSubscription, type StreamContext } from './streams/subscribe.ts';

export type FrameContext = AdmissionContext &
  PublishContext &
  StreamContext & {
    maxFrameBytes: number;
    authenticator: Authenticator;
    limits: RequestLimits;
  };

/**
 * One client frame: decode, validate, admit, limit, authorise, publish. Every refusal is answered at once and never
 * published, so a refused request changes nothing and claims no id; a frame without a usable id is answered with a
 * generated one. LOGIN is answered here, SUBSCRIBE and UNSUBSCRIBE by the feeds (streams/subscribe.ts).
 */
export function handleFrame(ctx: FrameContext, connection: Connection, frame: ArrayBuffer, isBinary: boolean): void {
  const generatedId = ctx.newId();
  const decoded = decodeFrame(frame, isBinary);
  if (!decoded.ok) return refuse(ctx, connection, errorReply(generatedId, undefined, decoded.code));
  const parsed = parseRequest(decoded.value, generatedId);
  if (!parsed.ok) {
    const { code, message, field, rule } = parsed.error;
    return refuse(ctx, connection, errorReply(parsed.id ?? generatedId, typeOf(decoded.value), code, message, { field, rule }));
  }
  const input = parsed.request;
  const refusal = admitRequest(ctx, connection);
  if (refusal) return refuse(ctx, connection, errorReply(input.id, input.type, refusal));
  const waitMs = retryAfter(ctx.limits, connection, input.type);
  if (waitMs !== undefined) return refuse(ctx, connection, errorReply(input.id, input.type, 'RATE_LIMITED', undefined, { retry_after_ms: waitMs }));
  if (input.type === 'LOGIN') return login(ctx.authenticator, connection, input);
  if (input.type === 'SUBSCRIBE' || input.type === 'UNSUBSCRIBE') return handleSubscription(ctx, connection, input);
  const authorized = authorize(connection.identity.principal, input);
  if (!authorized.ok) {
    const { code, message, field } = authorized;
    return refuse(ctx, connection, errorReply(input.id, input.type, code, message, field ? { field } : {}));
  }
  publishRequest(ctx, connection, authorized.request);
}

function refuse(ctx: FrameContext, connection: Connection, reply: Reply): void {
  ctx.logger.debug({ sessionId: connection.sessionId, requestId: reply.id, code: reply.code }, 'request refused');
  connection.send(reply);
}

function typeOf(raw: unknown): RequestType | undefined {
  const type = (raw as { type?: unknown } | null)?.type;
  return isRequestType(type) ? type : undefined;
}

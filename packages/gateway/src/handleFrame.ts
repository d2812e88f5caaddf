import { errorReply, isRequestType, parseRequest, type Reply, type RequestType } from '@trading/contracts';
import { type AdmissionContext, admitRequest } from './admitRequest.ts';
import type { Connection } from './connection.ts';
import { decodeFrame } from './decodeFrame.ts';
import { type PublishContext, publishRequest } from './publishRequest.ts';

export type FrameContext = AdmissionContext & PublishContext & { maxFrameBytes: number };

/**
 * One client frame: decode, validate, admit, publish. Every refusal is answered at once and never published;
 * a frame without a usable id is answered with a generated one.
 */
export function handleFrame(ctx: FrameContext, connection: Connection, frame: ArrayBuffer, isBinary: boolean): void {
  const generatedId = ctx.newId();
  const decoded = decodeFrame(frame, isBinary, ctx.maxFrameBytes);
  if (!decoded.ok) {
    refuse(ctx, connection, errorReply(generatedId, undefined, decoded.code));
    return;
  }
  const parsed = parseRequest(decoded.value, generatedId);
  if (!parsed.ok) {
    const { code, message, field, rule } = parsed.error;
    refuse(ctx, connection, errorReply(parsed.id ?? generatedId, typeOf(decoded.value), code, message, { field, rule }));
    return;
  }
  const { request } = parsed;
  const refusal = admitRequest(ctx, connection);
  if (refusal) {
    refuse(ctx, connection, errorReply(request.id, request.type, refusal));
    return;
  }
  publishRequest(ctx, connection, request);
}

function refuse(ctx: FrameContext, connection: Connection, reply: Reply): void {
  ctx.logger.debug({ sessionId: connection.sessionId, requestId: reply.id, code: reply.code }, 'request refused');
  connection.send(reply);
}

function typeOf(raw: unknown): RequestType | undefined {
  const type = (raw as { type?: unknown } | null)?.type;
  return isRequestType(type) ? type : undefined;
}

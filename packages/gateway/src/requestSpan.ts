import { errorCodes, type Reply, type RequestId, type RequestType } from '@trading/contracts';
import { type SpanHandle, startSpan } from '@trading/platform';

/**
 * A SERVER span per WebSocket request (tracing), from the frame's receipt to the reply sent to the client: the
 * request's publish continues it, and the reply's arrival ends it. Its outcome is the reply's status and code; a
 * failure on our side (an `unavailable` code: timeout, broker busy) marks it failed, the client's own mistakes do not.
 */
export type RequestSpan = SpanHandle;

export function startRequestSpan(sessionId: string): RequestSpan {
  return startSpan('WebSocket request', { kind: 'server', attributes: { 'network.protocol.name': 'websocket', 'trading.session_id': sessionId } });
}

/** Names the span once the request is read. */
export function nameRequestSpan(span: RequestSpan, type: RequestType, id: RequestId): void {
  span.rename(`WebSocket ${type}`);
  span.setAttributes({ 'trading.request.type': type, 'trading.request.id': String(id) });
}

/** Ends the span with the reply sent, or with `abandoned` when the client left before it. */
export function endRequestSpan(span: RequestSpan | undefined, reply: Reply | 'abandoned'): void {
  if (!span) return;
  if (reply === 'abandoned') span.setAttributes({ 'trading.reply.status': 'ABANDONED' });
  else {
    span.setAttributes({ 'trading.request.type': reply.type, 'trading.reply.status': reply.status, 'trading.reply.code': reply.code });
    if (reply.code && (errorCodes as Record<string, { kind: string } | undefined>)[reply.code]?.kind === 'unavailable') span.fail(new Error(reply.code));
  }
  span.end();
}

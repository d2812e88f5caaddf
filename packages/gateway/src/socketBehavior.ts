import type { Logger } from '@trading/platform';
import type { WebSocketBehavior } from 'uWebSockets.js';
import { type Connection, createSocketConnection, type SocketData } from './connection.ts';
import { type FrameContext, handleFrame } from './handleFrame.ts';

/**
 * uWS reads frames up to this size so that one above MAX_FRAME_BYTES can still be answered FRAME_TOO_LARGE.
 * A larger frame makes uWS drop the connection with neither a reply nor a close frame (clients see 1006).
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Unread reply bytes above which a socket's new requests are refused RATE_LIMITED. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Unread reply bytes at which uWS drops a send; the connection then closes the socket: the client has stopped reading. */
const MAX_BACKPRESSURE_BYTES = 4 * MAX_BUFFERED_BYTES;

/** The WebSocket route: one Connection per socket, each frame to handleFrame, a closed socket's requests forgotten. */
export function socketBehavior(ctx: FrameContext, connections: Set<Connection>, logger: Logger): WebSocketBehavior<SocketData> {
  return {
    maxPayloadLength: MAX_PAYLOAD_BYTES,
    maxBackpressure: MAX_BACKPRESSURE_BYTES,
    open(ws) {
      const connection = createSocketConnection(ws, ctx.newId(), logger);
      ws.getUserData().connection = connection;
      connections.add(connection);
      logger.debug({ sessionId: connection.sessionId }, 'connection opened');
    },
    message(ws, frame, isBinary) {
      handleFrame(ctx, ws.getUserData().connection, frame, isBinary);
    },
    close(ws, code) {
      const { connection } = ws.getUserData();
      connection.markClosed();
      connections.delete(connection);
      const dropped = ctx.pending.forget(connection);
      logger.debug({ sessionId: connection.sessionId, code, dropped }, 'connection closed');
    },
  };
}

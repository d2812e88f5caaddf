import type { Logger } from '@trading/platform';
import type { WebSocket } from 'uWebSockets.js';

/** One client socket as the rest of the gateway sees it. Safe to hold after the socket closed: sends become no-ops. */
export type Connection = {
  /** Per-connection uuid, sent as the `x-session` header so Payment can scope ADD_USER ids to it. */
  readonly sessionId: string;
  /** Sends one JSON reply, corked; dropped once the socket closed. */
  send(body: unknown): void;
  /** Bytes queued for this client that it has not read yet. */
  bufferedAmount(): number;
  /** Closes the socket with a close frame (1001 at shutdown). */
  end(code: number, reason: string): void;
};

export type SocketConnection = Connection & { markClosed(): void };
export type SocketData = { connection: SocketConnection };

/** uWS `send` result: the message was not queued because the socket's backpressure passed maxBackpressure. */
const DROPPED = 2;

/**
 * Wraps a uWS socket. A uWS socket must not be touched after its close event, so every method checks the
 * flag `markClosed` sets. A send that uWS drops (backpressure past maxBackpressure) means the client stopped
 * reading: rather than lose that reply silently, the socket is closed, and the client learns from the close
 * that its requests in flight have no reply coming.
 */
export function createSocketConnection(ws: WebSocket<SocketData>, sessionId: string, logger: Logger): SocketConnection {
  let closed = false;
  return {
    sessionId,
    send(body) {
      if (closed) return;
      const text = JSON.stringify(body);
      let status = 0;
      ws.cork(() => {
        status = ws.send(text);
      });
      if (status === DROPPED) {
        logger.warn({ sessionId, buffered: ws.getBufferedAmount() }, 'client does not read its replies; closing its socket');
        ws.close();
      }
    },
    bufferedAmount: () => (closed ? 0 : ws.getBufferedAmount()),
    end(code, reason) {
      if (!closed) ws.end(code, reason);
    },
    markClosed() {
      closed = true;
    },
  };
}

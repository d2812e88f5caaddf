import type { Logger } from '@trading/platform';
import type { WebSocketBehavior } from 'uWebSockets.js';
import type { Clock } from './clock.ts';
import { type Connection, createSocketConnection, type SocketData } from './connection.ts';
import { type FrameContext, handleFrame } from './handleFrame.ts';
import { type UpgradeContext, upgradeHandler } from './upgrade.ts';

/** Unread reply bytes above which a socket's new requests are refused RATE_LIMITED. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Unread reply bytes at which uWS drops a send; the connection then closes the socket: the client has stopped reading. */
const MAX_BACKPRESSURE_BYTES = 4 * MAX_BUFFERED_BYTES;
/** Close code for a socket that neither authenticated nor created a user in time (1008: policy violation). */
export const AUTH_TIMEOUT_CLOSE_CODE = 1008;

export type SocketContext = {
  frames: FrameContext;
  upgrade: UpgradeContext;
  connections: Set<Connection>;
  clock: Clock;
  /** An anonymous socket is closed after this long unless it authenticated or created a user meanwhile. */
  authTimeoutMs: number;
  logger: Logger;
};

/** The WebSocket route: the upgrade lets a socket in; one Connection per socket, each frame to handleFrame. */
export function socketBehavior(ctx: SocketContext): WebSocketBehavior<SocketData> {
  const { frames, connections, logger } = ctx;
  const timers = new WeakMap<Connection, { cancel(): void }>();
  /** Sockets counted against their address's cap: all but those the operator opened. */
  const counted = new WeakSet<Connection>();
  return {
    // A frame over MAX_FRAME_BYTES is never buffered: uWS ends its connection at once, with neither a reply nor a
    // close frame (the client sees 1006). Every other bad frame is answered with its ERROR (decodeFrame.ts).
    maxPayloadLength: frames.maxFrameBytes,
    maxBackpressure: MAX_BACKPRESSURE_BYTES,
    upgrade: upgradeHandler(ctx.upgrade),
    open(ws) {
      const connection = createSocketConnection(ws, frames.newId(), logger);
      ws.getUserData().connection = connection;
      connections.add(connection);
      if (connection.identity.principal.kind !== 'admin') {
        // The upgrade checked the cap; another socket of the address may have opened since.
        if (!frames.limits.address.tryOpen(connection.remoteAddress)) return connection.end(1013, 'too many connections from this address');
        counted.add(connection);
      }
      if (connection.identity.principal.kind === 'anonymous') timers.set(connection, closeIfAnonymous(ctx, connection));
      logger.debug({ sessionId: connection.sessionId, principal: connection.identity.principal.kind }, 'connection opened');
    },
    message(ws, frame, isBinary) {
      handleFrame(frames, ws.getUserData().connection, frame, isBinary);
    },
    close(ws, code) {
      const { connection } = ws.getUserData();
      connection.markClosed();
      connections.delete(connection);
      timers.get(connection)?.cancel();
      frames.tickets.release(connection);
      if (counted.has(connection)) frames.limits.address.close(connection.remoteAddress);
      frames.limits.perConnection.forget(connection.sessionId);
      frames.feeds.forget(connection);
      const dropped = frames.pending.forget(connection);
      logger.debug({ sessionId: connection.sessionId, code, dropped }, 'connection closed');
    },
  };
}

function closeIfAnonymous(ctx: SocketContext, connection: Connection): { cancel(): void } {
  return ctx.clock.schedule(() => {
    if (connection.identity.principal.kind !== 'anonymous') return;
    ctx.logger.debug({ sessionId: connection.sessionId }, 'closing a socket that did not authenticate');
    connection.end(AUTH_TIMEOUT_CLOSE_CODE, 'authenticate (LOGIN) or ADD_USER first');
  }, ctx.authTimeoutMs);
}

import type { Principal } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { WebSocket } from 'uWebSockets.js';
import { replySent } from './replyMetrics.ts';

/** Who a socket acts as, and the SHA-256 of the key that proved it (none for an anonymous socket). */
export type Identity = { principal: Principal; keyHash: string | undefined };

/** One client socket as the rest of the gateway sees it. Safe to hold after the socket closed: sends become no-ops. */
export type Connection = {
  /** Per-connection uuid: an anonymous socket's principal is its session (ADD_USER ids are scoped to it). */
  readonly sessionId: string;
  /** The client's address as text (IPv4-mapped IPv6 written as IPv4), for the per-address limits. */
  readonly remoteAddress: string;
  /** Set at the upgrade (Authorization header), by LOGIN, or by the ADD_USER this socket sent; changed by a rotation. */
  identity: Identity;
  /** Sends one JSON reply, corked; dropped once the socket closed. */
  send(body: unknown): void;
  /** Bytes queued for this client that it has not read yet. */
  bufferedAmount(): number;
  /** Closes the socket with a close frame (1001 at shutdown). */
  end(code: number, reason: string): void;
  /** Joins or leaves a uWS pub/sub topic (a live feed, streams/feedHub.ts); false once the socket closed. */
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
};

export type SocketConnection = Connection & { markClosed(): void };
/** What the upgrade hands the socket: the identity it proved (if any) and the address; `connection` is set at open. */
export type SocketData = { connection: SocketConnection; identity: Identity | undefined; remoteAddress: string };

export const anonymous = (sessionId: string): Identity => ({ principal: { kind: 'anonymous', sessionId }, keyHash: undefined });

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
  const { identity, remoteAddress } = ws.getUserData();
  const connection: SocketConnection = {
    sessionId,
    remoteAddress,
    identity: identity ?? anonymous(sessionId),
    send(body) {
      if (closed) return;
      replySent(connection, body);
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
    subscribe: (topic) => !closed && ws.subscribe(topic),
    unsubscribe: (topic) => !closed && ws.unsubscribe(topic),
    markClosed() {
      closed = true;
    },
  };
  return connection;
}

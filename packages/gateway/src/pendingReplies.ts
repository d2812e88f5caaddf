import type { Reply, RequestId, RequestType } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Clock } from './clock.ts';
import type { Connection } from './connection.ts';
import { endRequestSpan, type RequestSpan } from './requestSpan.ts';

export type PendingRequest = {
  correlationId: string;
  requestId: RequestId;
  type: RequestType;
  connection: Connection;
  log: Logger;
  /**
   * Turns the service's reply into the client's (ADD_USER and ROTATE_API_KEY add the new key; SUBSCRIBE starts its
   * feed on its snapshot). The gateway's own answers (REPLY_TIMEOUT, BROKER_BUSY, SHUTTING_DOWN) pass through it too.
   */
  complete?: ((reply: Reply) => Reply) | undefined;
  /** The request's SERVER span (tracing), which whoever answers the request ends. */
  span?: RequestSpan | undefined;
};

export type PendingReplies = ReturnType<typeof createPendingReplies>;

/** Answers a request taken from the pending ones: its reply, completed (a new key, a feed's start), and its span ended. */
export function answerPending(request: PendingRequest, reply: Reply): void {
  request.connection.send(request.complete ? request.complete(reply) : reply);
  endRequestSpan(request.span, reply);
}

/**
 * Requests published and not answered yet, by correlation id. Taking an entry removes it and stops its
 * timer, so whoever takes it (the reply, the timeout, a failed publish, shutdown) sends its only reply.
 */
export function createPendingReplies(clock: Clock, timeoutMs: number, onTimeout: (request: PendingRequest) => void) {
  const entries = new Map<string, { request: PendingRequest; timer: { cancel(): void } }>();
  const byConnection = new Map<Connection, Set<string>>();
  const whenEmpty: Array<() => void> = [];

  const take = (correlationId: string): PendingRequest | undefined => {
    const entry = entries.get(correlationId);
    if (!entry) return undefined;
    entries.delete(correlationId);
    entry.timer.cancel();
    const ids = byConnection.get(entry.request.connection);
    ids?.delete(correlationId);
    if (ids?.size === 0) byConnection.delete(entry.request.connection);
    if (entries.size === 0) for (const resolve of whenEmpty.splice(0)) resolve();
    return entry.request;
  };

  return {
    /** Starts waiting; after `timeoutMs` the request is taken and handed to `onTimeout`. */
    add(request: PendingRequest): void {
      const timer = clock.schedule(() => {
        const expired = take(request.correlationId);
        if (expired) onTimeout(expired);
      }, timeoutMs);
      entries.set(request.correlationId, { request, timer });
      const ids = byConnection.get(request.connection) ?? new Set<string>();
      ids.add(request.correlationId);
      byConnection.set(request.connection, ids);
    },
    take,
    /** Requests of this connection still waiting. */
    countFor: (connection: Connection): number => byConnection.get(connection)?.size ?? 0,
    /** Drops a closed connection's requests; their late replies will find nothing. Returns how many. */
    forget(connection: Connection): number {
      const ids = [...(byConnection.get(connection) ?? [])];
      for (const id of ids) endRequestSpan(take(id)?.span, 'abandoned');
      return ids.length;
    },
    /** Takes every waiting request (at shutdown, to answer them). */
    takeAll: (): PendingRequest[] => [...entries.keys()].flatMap((id) => take(id) ?? []),
    /** Resolves once nothing is waiting. */
    empty: (): Promise<void> => (entries.size === 0 ? Promise.resolve() : new Promise((resolve) => whenEmpty.push(resolve))),
  };
}

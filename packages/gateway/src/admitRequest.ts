import type { Bus } from '@trading/bus';
import type { ErrorCode } from '@trading/contracts';
import type { Connection } from './connection.ts';
import type { PendingReplies } from './pendingReplies.ts';

export type AdmissionContext = {
  bus: Pick<Bus, 'connected' | 'blocked'>;
  pending: PendingReplies;
  /** False from the start of shutdown. */
  accepting: () => boolean;
  maxInFlightPerSocket: number;
  /** Above this many unread reply bytes a socket gets no new work until it reads (checked on each request). */
  maxBufferedBytes: number;
};

/** Why a valid request must be refused right now, or undefined to publish it. Nothing is ever queued in the gateway. */
export function admitRequest(ctx: AdmissionContext, connection: Connection): ErrorCode | undefined {
  if (!ctx.accepting()) return 'SHUTTING_DOWN';
  if (!ctx.bus.connected || ctx.bus.blocked) return 'BROKER_BUSY';
  if (ctx.pending.countFor(connection) >= ctx.maxInFlightPerSocket) return 'RATE_LIMITED';
  if (connection.bufferedAmount() > ctx.maxBufferedBytes) return 'RATE_LIMITED';
  return undefined;
}

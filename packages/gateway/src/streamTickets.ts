import { readStreamTicket, STREAM_TICKET_TTL_MS, streamTicketKey } from '@trading/contracts';
import type { Clock } from './clock.ts';
import type { Connection } from './connection.ts';

/** Close code of a viewer socket whose lease ran out (4000–4999: the application's own). */
export const LEASE_ENDED_CLOSE_CODE = 4001;

/** Redeemed nonces remembered at most: far above what the dashboards of one deployment mint in a ticket's life. */
const MAX_REMEMBERED = 100_000;

export type StreamTickets = ReturnType<typeof createStreamTickets>;

/**
 * The dashboard's stream tickets (contracts, streamTicket.ts) on this gateway: each redeemed once, its nonce
 * remembered until the ticket expires; the socket it opened ends at its lease unless a newer ticket extended it.
 * Without ADMIN_API_KEY there is no key to check them with, and every ticket is refused. Nonces are this
 * instance's: with several gateways a ticket could be redeemed once on each within its 30 s (SECURITY.md).
 */
export function createStreamTickets(deps: { adminApiKey: string | undefined; clock: Clock; epochNow: () => number }) {
  const key = deps.adminApiKey === undefined ? undefined : streamTicketKey(deps.adminApiKey);
  const redeemed = new Map<string, number>();
  const leases = new WeakMap<Connection, { cancel(): void }>();
  const forgetExpired = (now: number) => {
    for (const [nonce, expiresAt] of redeemed) {
      if (expiresAt > now) break; // insertion order is expiry order: every ticket lives STREAM_TICKET_TTL_MS
      redeemed.delete(nonce);
    }
  };
  return {
    /** The lease's end (ms since the epoch) if the ticket is genuine, unexpired and never redeemed; else undefined. */
    redeem(text: string): number | undefined {
      const now = deps.epochNow();
      const ticket = key === undefined ? undefined : readStreamTicket(key, text, now);
      if (!ticket) return undefined;
      forgetExpired(now);
      if (redeemed.has(ticket.nonce) || redeemed.size >= MAX_REMEMBERED) return undefined;
      redeemed.set(ticket.nonce, now + STREAM_TICKET_TTL_MS);
      return ticket.leaseUntil;
    },
    /** Ends `connection` at `until`, replacing any lease it held. */
    lease(connection: Connection, until: number): void {
      leases.get(connection)?.cancel();
      const timer = deps.clock.schedule(
        () => connection.end(LEASE_ENDED_CLOSE_CODE, 'the stream ticket lease ended: log in again with a new ticket'),
        Math.max(0, until - deps.epochNow()),
      );
      leases.set(connection, timer);
    },
    /** The socket closed: its lease timer goes. */
    release(connection: Connection): void {
      leases.get(connection)?.cancel();
      leases.delete(connection);
    },
  };
}

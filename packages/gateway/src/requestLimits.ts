import type { RequestType } from '@trading/contracts';
import type { Connection } from './connection.ts';
import type { AddressLimits } from './addressLimits.ts';
import type { RateLimiter } from '@trading/platform';

/** The token buckets a request draws on; the operator's connections draw on none. */
export type RequestLimits = {
  perConnection: RateLimiter;
  perPrincipal: RateLimiter;
  /** Per remote address: open sockets and ADD_USER (accounts are cheap to ask for and each costs storage forever). */
  address: AddressLimits;
};

/** Milliseconds until the request may be sent, or undefined if it may be sent now. */
export function retryAfter(limits: RequestLimits, connection: Connection, type: RequestType): number | undefined {
  const { principal } = connection.identity;
  if (principal.kind === 'admin') return undefined;
  const draws = [
    () => limits.perConnection.take(connection.sessionId),
    ...(principal.kind === 'user' ? [() => limits.perPrincipal.take(principal.userId)] : []),
    ...(type === 'ADD_USER' ? [() => limits.address.takeAddUser(connection.remoteAddress)] : []),
  ];
  for (const draw of draws) {
    const taken = draw();
    if (!taken.ok) return taken.retryAfterMs;
  }
  return undefined;
}

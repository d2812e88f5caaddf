import { addressKey } from './remoteAddress.ts';
import { createRateLimiter, type Taken } from '@trading/platform';

/**
 * Limits per remote address (an IPv6 address counts by its /64): open connections, and ADD_USER, which anyone may send
 * before having an account. Pass the text from remoteAddress.ts; an exempt caller (the admin key) skips these calls.
 */
export type AddressLimits = {
  /** Counts one more open connection, or returns false (and counts nothing) at the cap. */
  tryOpen(address: string): boolean;
  /** Once per connection that tryOpen let in, when it closes. */
  close(address: string): void;
  /** One ADD_USER from `address`, or how long until the next is allowed. */
  takeAddUser(address: string): Taken;
  /** Connections open from `address` now. */
  openFrom(address: string): number;
  /** Whether `address` has as many connections open as it may. */
  atCap(address: string): boolean;
};

export type AddressLimitOptions = {
  maxConnectionsPerAddress: number;
  addUserPerHour: number;
  now: () => number;
  /** Bound on addresses whose ADD_USER quota is remembered (see rateLimiter.ts in @trading/platform). */
  maxKeys?: number;
};

/**
 * 200 connections: far above one person (a browser holds a few per tab) or a small NAT-ed office, far below the
 * 10,000 idle sockets the bench holds open on one gateway. 20 ADD_USER an hour: a person makes one account, a
 * script making them by the thousand is stopped (a shared address can raise it). The admin key is exempt from both.
 */
export const addressLimitDefaults = { maxConnectionsPerAddress: 200, addUserPerHour: 20 } as const;

export function createAddressLimits(options: AddressLimitOptions): AddressLimits {
  if (!Number.isSafeInteger(options.maxConnectionsPerAddress) || options.maxConnectionsPerAddress < 1) {
    throw new RangeError(`maxConnectionsPerAddress must be a whole number >= 1, got ${options.maxConnectionsPerAddress}`);
  }
  const open = new Map<string, number>();
  const addUser = createRateLimiter({
    ratePerHour: options.addUserPerHour,
    burst: options.addUserPerHour,
    now: options.now,
    ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
  });
  return {
    tryOpen(address) {
      const key = addressKey(address);
      const count = open.get(key) ?? 0;
      if (count >= options.maxConnectionsPerAddress) return false;
      open.set(key, count + 1);
      return true;
    },
    close(address) {
      const key = addressKey(address);
      const count = open.get(key) ?? 0;
      if (count <= 1) open.delete(key);
      else open.set(key, count - 1);
    },
    takeAddUser: (address) => addUser.take(addressKey(address)),
    openFrom: (address) => open.get(addressKey(address)) ?? 0,
    atCap: (address) => (open.get(addressKey(address)) ?? 0) >= options.maxConnectionsPerAddress,
  };
}

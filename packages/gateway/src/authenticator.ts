import type { Bus } from '@trading/bus';
import {
  apiKeyHash,
  type Authenticate,
  authenticated,
  authenticateRoutingKey,
  type Delivery,
  exchanges,
  type Principal,
  sameKeyHash,
} from '@trading/contracts';
import { type Clock, orAfter } from './clock.ts';

export type Authentication = { ok: true; principal: Principal; keyHash: string } | { ok: false; code: 'UNAUTHENTICATED' | 'BROKER_BUSY' | 'REPLY_TIMEOUT' };

export type Authenticator = ReturnType<typeof createAuthenticator>;

export type AuthenticatorDeps = {
  bus: Pick<Bus, 'publish'>;
  clock: Clock;
  newId: () => string;
  /** This gateway's reply routing key on `payment-response`. */
  replyTo: string;
  /** SHA-256 of ADMIN_API_KEY, or undefined when no operator key is configured. */
  adminKeyHash: string | undefined;
  timeoutMs: number;
  /** Keys looked up are remembered this long (a revocation forgets one at once). */
  cacheTtlMs: number;
  /** Most keys remembered. */
  cacheSize?: number;
};

const FAILED = { ok: false, code: 'UNAUTHENTICATED' } as const;

/**
 * Whose key is this? The operator's key is compared here (constant time); any other is asked of Payment, which owns
 * the keys, once: the answer is remembered until it expires or the key is revoked, and concurrent logins with one
 * key share one question. Only the key's SHA-256 leaves this function.
 */
export function createAuthenticator(deps: AuthenticatorDeps) {
  const known = new Map<string, { userId: string | null; timer: { cancel(): void } }>();
  const asking = new Map<string, Promise<Authentication>>();
  const waiting = new Map<string, (userId: string | null) => void>();

  const remember = (keyHash: string, userId: string | null) => {
    forget(keyHash);
    if (known.size >= (deps.cacheSize ?? 100_000)) forget(known.keys().next().value as string);
    const timer = deps.clock.schedule(() => known.delete(keyHash), deps.cacheTtlMs);
    known.set(keyHash, { userId, timer });
  };
  const forget = (keyHash: string) => {
    known.get(keyHash)?.timer.cancel();
    known.delete(keyHash);
  };
  const toResult = (keyHash: string, userId: string | null): Authentication =>
    userId === null ? FAILED : { ok: true, principal: { kind: 'user', userId }, keyHash };

  async function ask(keyHash: string): Promise<Authentication> {
    const correlationId = deps.newId();
    const answer = new Promise<string | null>((resolve) => waiting.set(correlationId, resolve));
    const body: Authenticate = { type: 'Authenticate', key_sha256: keyHash };
    try {
      await deps.bus.publish({
        exchange: exchanges.payment,
        routingKey: authenticateRoutingKey,
        messageId: deps.newId(),
        type: body.type,
        body,
        correlationId,
        replyTo: deps.replyTo,
      });
    } catch {
      waiting.delete(correlationId);
      return { ok: false, code: 'BROKER_BUSY' };
    }
    const userId = await orAfter(deps.clock, deps.timeoutMs, answer, undefined);
    waiting.delete(correlationId);
    if (userId === undefined) return { ok: false, code: 'REPLY_TIMEOUT' };
    remember(keyHash, userId);
    return toResult(keyHash, userId);
  }

  return {
    async authenticate(apiKey: string): Promise<Authentication> {
      const keyHash = apiKeyHash(apiKey);
      if (deps.adminKeyHash && sameKeyHash(keyHash, deps.adminKeyHash)) return { ok: true, principal: { kind: 'admin' }, keyHash };
      const cached = known.get(keyHash);
      if (cached) return toResult(keyHash, cached.userId);
      let pending = asking.get(keyHash);
      if (!pending) {
        pending = ask(keyHash).finally(() => asking.delete(keyHash));
        asking.set(keyHash, pending);
      }
      return pending;
    },
    /** Payment's answer to a question of this gateway; false if the delivery is not one. */
    settle(delivery: Pick<Delivery, 'correlationId' | 'body'>): boolean {
      const resolve = delivery.correlationId === undefined ? undefined : waiting.get(delivery.correlationId);
      const parsed = authenticated.safeParse(delivery.body);
      if (!resolve || !parsed.success) return false;
      resolve(parsed.data.user_id);
      return true;
    },
    /** Asks Payment about a key by its hash, whatever is remembered (after a reconnect). */
    check: (keyHash: string): Promise<Authentication> => ask(keyHash),
    /** A key just issued on this gateway (ADD_USER, ROTATE_API_KEY): its owner is known without asking. */
    issued: (keyHash: string, userId: string) => remember(keyHash, userId),
    /** A revoked key: forgotten at once, so the next login with it asks Payment (and is refused). */
    revoked: forget,
    /** Everything remembered (the bus reconnected: a revocation may have been missed meanwhile). */
    clear: () => [...known.keys()].forEach(forget),
  };
}

import { randomBytes } from 'node:crypto';
import type { Principal } from '@trading/contracts';

export type Sessions = {
  /** How long a session lasts after login: the cookie's Max-Age. */
  ttlMs: number;
  /** A new session for `principal`: its id, 256 random bits, is all the cookie holds. */
  open(principal: Principal): string;
  /** The principal of a live session, or undefined for an unknown or expired one. */
  find(id: string): Principal | undefined;
  /** When a live session ends (ms since the epoch), or undefined for an unknown or expired one. */
  endsAt(id: string): number | undefined;
  close(id: string): void;
};

export type SessionLimits = {
  /** A session ends this long after login, used or not. */
  ttlMs: number;
  /** Live sessions at most: a login beyond it ends the oldest session. */
  max: number;
  now: () => number;
};

export const DASHBOARD_SESSIONS: Omit<SessionLimits, 'now'> = { ttlMs: 8 * 60 * 60 * 1000, max: 1000 };

/**
 * Dashboard sessions, held in this process only (a restart logs everybody out, and each Reporting instance
 * keeps its own). A Map keeps insertion order, so its first entry is always the oldest session.
 */
export function createSessions(limits: SessionLimits): Sessions {
  const sessions = new Map<string, { principal: Principal; expiresAt: number }>();
  const sweep = () => {
    const now = limits.now();
    for (const [id, session] of sessions) if (session.expiresAt <= now) sessions.delete(id);
  };
  return {
    ttlMs: limits.ttlMs,
    open(principal) {
      if (sessions.size >= limits.max) sweep();
      while (sessions.size >= limits.max) sessions.delete(sessions.keys().next().value as string);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { principal, expiresAt: limits.now() + limits.ttlMs });
      return id;
    },
    find(id) {
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt > limits.now()) return session.principal;
      sessions.delete(id);
      return undefined;
    },
    endsAt(id) {
      const session = sessions.get(id);
      return session && session.expiresAt > limits.now() ? session.expiresAt : undefined;
    },
    close(id) {
      sessions.delete(id);
    },
  };
}

import type { IncomingMessage } from 'node:http';
import { apiKeyHash, type Principal, sameKeyHash } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { findKeyOwner } from '../credentials.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import type { Sessions } from './sessions.ts';

export type Authenticator = {
  /** Whose key this is: the operator's, a user's live key, or nobody's (undefined). */
  principalOfKey(key: string): Promise<Principal | undefined>;
  /** Who sent the request: by its `Authorization: Bearer` key if it has one, else by its session cookie. */
  authenticate(req: IncomingMessage): Promise<Principal | undefined>;
};

const BEARER = /^Bearer +([\x21-\x7e]{1,256})$/i;

/**
 * `adminKeyHash` is the SHA-256 of ADMIN_API_KEY (undefined: no operator key exists). Keys are compared and looked
 * up only as their SHA-256, the admin's in constant time; a clear key is never stored or logged.
 */
export function createAuthenticator(db: SqlClient, adminKeyHash: string | undefined, sessions: Sessions): Authenticator {
  const principalOfKey = async (key: string): Promise<Principal | undefined> => {
    const hash = apiKeyHash(key);
    if (adminKeyHash !== undefined && sameKeyHash(hash, adminKeyHash)) return { kind: 'admin' };
    const userId = await findKeyOwner(db, hash);
    return userId === undefined ? undefined : { kind: 'user', userId };
  };
  return {
    principalOfKey,
    async authenticate(req) {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const key = BEARER.exec(authorization)?.[1];
        return key === undefined ? undefined : principalOfKey(key);
      }
      const session = readCookie(req.headers.cookie, SESSION_COOKIE);
      return session === undefined ? undefined : sessions.find(session);
    },
  };
}

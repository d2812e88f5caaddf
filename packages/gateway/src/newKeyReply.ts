import { apiKeyHash, newApiKey, type Reply, type RotateApiKeyRequest, type AddUserRequest } from '@trading/contracts';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';

export type NewKey = {
  /** SHA-256 of the new key: the only form of it that is published. */
  keyHash: string;
  /** Turns Payment's reply into the client's: the clear key added if Payment stored this one. */
  complete(reply: Reply): Reply;
};

/**
 * ADD_USER and ROTATE_API_KEY: the gateway makes the new key, Payment stores its hash and answers with the hash it
 * stored (`api_key_sha256`, never shown to the client). If that is this key's, the reply shows the key, once; the
 * socket that created a user is authenticated as it, and the socket that rotated its own key keeps working with the
 * new one. A re-sent request is answered with the first one's hash: its reply carries no key.
 */
export function newKeyFor(authenticator: Pick<Authenticator, 'issued'>, connection: Connection, request: AddUserRequest | RotateApiKeyRequest): NewKey {
  const key = newApiKey();
  const keyHash = apiKeyHash(key);
  return {
    keyHash,
    complete(reply) {
      const { api_key_sha256: stored, ...rest } = reply;
      const userId = rest.user_id;
      if (rest.status !== 'OK' || typeof userId !== 'string') return rest;
      if (stored !== keyHash) return { ...rest, message: `${rest.message} (the api_key was shown in the first reply to this id)` };
      authenticator.issued(keyHash, userId);
      const { principal } = connection.identity;
      const adopt = request.type === 'ADD_USER' ? principal.kind === 'anonymous' : principal.kind === 'user' && principal.userId === userId;
      if (adopt) connection.identity = { principal: { kind: 'user', userId }, keyHash };
      return { ...rest, api_key: key };
    },
  };
}

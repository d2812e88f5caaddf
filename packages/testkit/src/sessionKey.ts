import type { Reply } from '@trading/contracts';

/** The api key a socket is authenticated with, as far as its client knows: what it must present again on another gateway. */
export type Session = { apiKey: string | null; userId?: string };

/**
 * The session after `reply` to `request`: a LOGIN authenticates an anonymous socket with the key it sent, an ADD_USER
 * on an anonymous socket with the new user's key, a ROTATE_API_KEY of the socket's own key (no user_id) with the new key.
 */
export function sessionAfter(session: Session, request: Record<string, unknown> | undefined, reply: Reply): Session {
  if (!request || reply.status !== 'OK') return session;
  const userId = typeof reply.user_id === 'string' ? reply.user_id : undefined;
  const newKey = typeof reply.api_key === 'string' ? reply.api_key : undefined;
  if (request.type === 'LOGIN' && session.apiKey === null && typeof request.api_key === 'string') return { apiKey: request.api_key, userId };
  if (request.type === 'ADD_USER' && session.apiKey === null && newKey) return { apiKey: newKey, userId };
  if (request.type === 'ROTATE_API_KEY' && request.user_id === undefined && newKey) return { ...session, apiKey: newKey };
  return session;
}

import { errorReply, type LoginRequest, okReply } from '@trading/contracts';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';

/** LOGIN: authenticates an anonymous socket with an api key (for browsers, which cannot send Authorization). */
export function login(authenticator: Pick<Authenticator, 'authenticate'>, connection: Connection, request: LoginRequest): void {
  if (connection.identity.principal.kind !== 'anonymous') {
    connection.send(errorReply(request.id, request.type, 'INVALID_REQUEST', 'this connection is already authenticated'));
    return;
  }
  void authenticator.authenticate(request.api_key).then((result) => {
    if (!result.ok) {
      connection.send(errorReply(request.id, request.type, result.code, result.code === 'UNAUTHENTICATED' ? 'unknown or revoked api key' : undefined));
      return;
    }
    const { principal, keyHash } = result;
    connection.identity = { principal, keyHash };
    const who = principal.kind === 'user' ? { user_id: principal.userId } : { role: 'operator' };
    connection.send(okReply(request.id, request.type, 'authenticated', who));
  });
}

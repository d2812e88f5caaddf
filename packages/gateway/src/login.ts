import { errorReply, type LoginRequest, okReply, type Reply } from '@trading/contracts';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';

/**
 * LOGIN: authenticates an anonymous socket with an api key (for browsers, which cannot send Authorization).
 * `answered` hears the reply once it is sent (the request's span).
 */
export function login(
  authenticator: Pick<Authenticator, 'authenticate'>,
  connection: Connection,
  request: LoginRequest,
  answered: (reply: Reply) => void = () => {},
): void {
  const send = (reply: Reply) => {
    connection.send(reply);
    answered(reply);
  };
  if (connection.identity.principal.kind !== 'anonymous') {
    send(errorReply(request.id, request.type, 'INVALID_REQUEST', 'this connection is already authenticated'));
    return;
  }
  void authenticator.authenticate(request.api_key).then((result) => {
    if (!result.ok) {
      send(errorReply(request.id, request.type, result.code, result.code === 'UNAUTHENTICATED' ? 'unknown or revoked api key' : undefined));
      return;
    }
    const { principal, keyHash } = result;
    connection.identity = { principal, keyHash };
    const who = principal.kind === 'user' ? { user_id: principal.userId } : { role: 'operator' };
    send(okReply(request.id, request.type, 'authenticated', who));
  });
}

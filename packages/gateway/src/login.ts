import { errorReply, type LoginRequest, okReply, type Reply } from '@trading/contracts';
import type { Authenticator } from './authenticator.ts';
import type { Connection } from './connection.ts';
import type { StreamTickets } from './streamTickets.ts';

/**
 * LOGIN: authenticates an anonymous socket with an api key (for browsers, which cannot send Authorization), or with
 * a dashboard's stream ticket, which makes it a viewer (public feeds only) until the ticket's lease; a viewer's
 * LOGIN with a new ticket extends the lease. `answered` hears the reply once it is sent (the request's span).
 */
export function login(
  authenticator: Pick<Authenticator, 'authenticate'>,
  tickets: Pick<StreamTickets, 'redeem' | 'lease'>,
  connection: Connection,
  request: LoginRequest,
  answered: (reply: Reply) => void = () => {},
): void {
  const send = (reply: Reply) => {
    connection.send(reply);
    answered(reply);
  };
  const { principal } = connection.identity;
  if ((request.api_key === undefined) === (request.stream_ticket === undefined)) {
    send(errorReply(request.id, request.type, 'INVALID_REQUEST', 'send either api_key or stream_ticket', { field: 'api_key' }));
    return;
  }
  if (request.stream_ticket !== undefined && (principal.kind === 'anonymous' || principal.kind === 'viewer')) {
    const until = tickets.redeem(request.stream_ticket);
    if (until === undefined) {
      send(errorReply(request.id, request.type, 'UNAUTHENTICATED', 'the stream ticket is not valid, expired or already used'));
      return;
    }
    connection.identity = { principal: { kind: 'viewer' }, keyHash: undefined };
    tickets.lease(connection, until);
    send(okReply(request.id, request.type, 'authenticated', { role: 'viewer', lease_until: new Date(until).toISOString() }));
    return;
  }
  if (principal.kind !== 'anonymous' || request.api_key === undefined) {
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { mintStreamTicket } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { auditApiRequest } from './auditRequest.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import { sendForbidden, sendJson, sendUnauthenticated } from './replies.ts';
import { isCrossSite } from './sameOrigin.ts';
import type { Sessions } from './sessions.ts';

export type StreamTicketDeps = {
  db: SqlClient;
  sessions: Sessions;
  now: () => Date;
  /** The tickets' MAC key (streamTicketKey of ADMIN_API_KEY); undefined without an operator key: no ticket is minted. */
  ticketKey: Buffer | undefined;
  /** GATEWAY_PUBLIC_URL: where the page opens its socket. */
  gatewayUrls: readonly string[];
};

/**
 * POST /api/stream-ticket: a stream ticket for the page of a logged-in dashboard session, and the gateways to use it
 * on. Only the session cookie mints one (HttpOnly, SameSite=Strict: another site's page does not send it, and this
 * route also refuses a cross-site request outright), never a Bearer key, whose holder can open a socket with it. The
 * ticket's lease ends no later than the session, and a logged-out session mints no more (SECURITY.md).
 */
export async function streamTicketRoute(deps: StreamTicketDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (isCrossSite(req)) return sendForbidden(res, 'a request from a page of another site is refused');
  if (req.method !== 'POST') return sendJson(res, 405, { message: 'POST /api/stream-ticket mints a ticket' }, { allow: 'POST' });
  if (req.headers.authorization !== undefined) return sendForbidden(res, "a stream ticket is a dashboard session's: an api key opens a socket by itself");
  const id = readCookie(req.headers.cookie, SESSION_COOKIE);
  const principal = id === undefined ? undefined : deps.sessions.find(id);
  const sessionEnds = id === undefined ? undefined : deps.sessions.endsAt(id);
  if (!principal || sessionEnds === undefined || !deps.ticketKey) return sendUnauthenticated(res);
  if (principal.kind !== 'admin') return sendForbidden(res, "only the operator's dashboard session mints a stream ticket");
  await auditApiRequest(deps, principal, 'POST', url);
  const minted = mintStreamTicket(deps.ticketKey, deps.now().getTime(), sessionEnds);
  sendJson(res, 200, {
    ticket: minted.ticket,
    expires_at: new Date(minted.expiresAt).toISOString(),
    lease_until: new Date(minted.leaseUntil).toISOString(),
    gateways: deps.gatewayUrls,
  });
}

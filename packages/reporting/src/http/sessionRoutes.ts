import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlClient } from '@trading/db';
import { z } from 'zod';
import type { Authenticator } from './authenticate.ts';
import { auditApiRequest } from './auditRequest.ts';
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import type { LiveStream } from './liveStream.ts';
import { readBody } from './readBody.ts';
import { sendError, sendForbidden, sendJson, sendUnauthenticated } from './replies.ts';
import { isCrossSite } from './sameOrigin.ts';
import type { Sessions } from './sessions.ts';

export type SessionDeps = { db: SqlClient; auth: Authenticator; sessions: Sessions; stream: LiveStream; now: () => Date };

/** A login body is a key of at most 256 characters: a few KB is plenty, anything longer is refused unread. */
const MAX_BODY_BYTES = 4096;
const loginBody = z.strictObject({ api_key: z.string().min(1).max(256) });

/**
 * POST /api/session `{"api_key":"…"}` logs a dashboard in with the operator's key (a user's key gets 403) and sets
 * the session cookie; DELETE /api/session logs it out. Both are refused when another site's page sends them.
 */
export async function sessionRoute(deps: SessionDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (isCrossSite(req)) return sendForbidden(res, 'a request from a page of another site is refused');
  if (req.method === 'POST') return login(deps, req, res, url);
  if (req.method === 'DELETE') return logout(deps, req, res, url);
  sendJson(res, 405, { message: 'POST /api/session logs in, DELETE logs out' }, { allow: 'POST, DELETE' });
}

async function login(deps: SessionDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const usage = 'send Content-Type: application/json and {"api_key":"…"}';
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return sendError(res, 415, 'INVALID_REQUEST', usage);
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text === undefined) return sendError(res, 413, 'INVALID_REQUEST', `the body may be ${MAX_BODY_BYTES} bytes at most`, { connection: 'close' });
  const body = loginBody.safeParse(parseJson(text));
  if (!body.success) return sendError(res, 400, 'INVALID_REQUEST', usage);
  const principal = await deps.auth.principalOfKey(body.data.api_key);
  if (!principal) return sendUnauthenticated(res);
  if (principal.kind !== 'admin') return sendForbidden(res, "only the operator's key (ADMIN_API_KEY) opens the dashboard");
  await auditApiRequest(deps, principal, 'POST', url);
  const id = deps.sessions.open(principal);
  res.writeHead(204, { 'set-cookie': sessionCookie(id, deps.sessions.ttlMs), 'cache-control': 'no-store' }).end();
}

/** Ends the cookie's session, if any, and the live streams it opened. */
async function logout(deps: SessionDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const id = readCookie(req.headers.cookie, SESSION_COOKIE);
  const principal = id === undefined ? undefined : deps.sessions.find(id);
  if (principal) await auditApiRequest(deps, principal, 'DELETE', url);
  if (id !== undefined) deps.sessions.close(id);
  await deps.stream.revalidate();
  res.writeHead(204, { 'set-cookie': sessionCookie('', 0), 'cache-control': 'no-store' }).end();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

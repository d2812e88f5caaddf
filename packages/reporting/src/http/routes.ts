import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlClient } from '@trading/db';
import type { PriceHistory } from '../priceHistory.ts';
import type { QueryGate } from '../queryGate.ts';
import { isOperator, OPERATOR_ONLY } from './access.ts';
import { answerApi } from './apiRoutes.ts';
import type { Authenticator } from './authenticate.ts';
import { auditApiRequest } from './auditRequest.ts';
import type { LiveStream } from './liveStream.ts';
import { sendForbidden, sendJson, sendUnauthenticated } from './replies.ts';
import { sessionRoute } from './sessionRoutes.ts';
import type { Sessions } from './sessions.ts';
import { streamTicketRoute } from './streamTicketRoute.ts';
import type { StaticFile } from './staticFiles.ts';

export type RouteDeps = {
  /** Ingestion's pool: keys, sessions' checks and the audit trail. Queries go through `queries`. */
  db: SqlClient;
  queries: QueryGate;
  stream: LiveStream;
  prices: PriceHistory;
  files: Map<string, StaticFile>;
  health: () => Promise<{ healthy: boolean; broker: string; database: string }>;
  auth: Authenticator;
  sessions: Sessions;
  now: () => Date;
  /** The stream tickets' MAC key (undefined without ADMIN_API_KEY) and GATEWAY_PUBLIC_URL (streamTicketRoute.ts). */
  ticketKey: Buffer | undefined;
  gatewayUrls: readonly string[];
};

/**
 * Answers one request; the caller turns a thrown error into 500. The dashboard's files and /health are open;
 * every other /api/* route needs a key (Bearer or the session cookie), and the operator's calls are audited
 * before they are answered. /api/prices, the market's recent ticks, is any key's: it tells nothing about anybody.
 * POST /api/session opens a dashboard session; POST /api/stream-ticket needs one (its cookie, never a key).
 */
export async function route(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const file = req.method === 'GET' ? deps.files.get(url.pathname) : undefined;
  if (file) {
    res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' }).end(file.body);
    return;
  }
  if (url.pathname === '/api/session') return sessionRoute(deps, req, res, url);
  if (url.pathname === '/api/stream-ticket') return streamTicketRoute(deps, req, res, url);
  if (req.method !== 'GET') return sendJson(res, 405, { message: 'only GET is served' }, { allow: 'GET' });
  if (url.pathname === '/health') {
    const { healthy, broker, database } = await deps.health();
    return sendJson(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable', broker, database });
  }
  if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { message: 'no such route' });
  const principal = await deps.auth.authenticate(req);
  if (!principal) return sendUnauthenticated(res);
  await auditApiRequest(deps, principal, 'GET', url);
  if (url.pathname === '/api/stream') {
    if (!isOperator(principal)) return sendForbidden(res, OPERATOR_ONLY);
    return deps.stream.open(req, res, async () => (await deps.auth.authenticate(req))?.kind === 'admin');
  }
  if (url.pathname === '/api/prices') return sendJson(res, 200, deps.prices.lines());
  const { status, body, retryAfterMs } = await answerApi(deps.queries, principal, url);
  sendJson(res, status, body, retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) });
}

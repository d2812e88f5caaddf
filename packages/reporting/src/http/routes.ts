import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlClient } from '@trading/db';
import type { z } from 'zod';
import { eventsQuery, reportCriteria } from '../criteria.ts';
import { listEvents } from '../listEvents.ts';
import { computeReport } from '../report.ts';
import { readStats, readUser } from '../stats.ts';
import type { LiveStream } from './liveStream.ts';
import type { StaticFile } from './staticFiles.ts';

export type RouteDeps = {
  db: SqlClient;
  stream: LiveStream;
  files: Map<string, StaticFile>;
  health: () => Promise<{ healthy: boolean; broker: string; database: string }>;
};

type Json = { status: number; body: unknown };

const USER_PATH = /^\/api\/users\/([0-9a-f-]{36})$/i;

/** Answers one GET request; the caller turns a thrown error into 500. */
export async function route(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const file = deps.files.get(url.pathname);
  if (file) {
    res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' }).end(file.body);
    return;
  }
  if (url.pathname === '/api/stream') return deps.stream.open(req, res);
  const { status, body } = await answer(deps, url);
  sendJson(res, status, body);
}

async function answer(deps: RouteDeps, url: URL): Promise<Json> {
  const query = Object.fromEntries(url.searchParams);
  switch (url.pathname) {
    case '/health': {
      const { healthy, broker, database } = await deps.health();
      return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'unavailable', broker, database } };
    }
    case '/api/stats':
      return { status: 200, body: await readStats(deps.db) };
    case '/api/report':
      return withQuery(reportCriteria, query, async (criteria) => computeReport(deps.db, criteria));
    case '/api/events':
      return withQuery(eventsQuery, query, async ({ limit, ...criteria }) => ({ events: await listEvents(deps.db, criteria, limit) }));
  }
  const user = USER_PATH.exec(url.pathname)?.[1];
  if (user) {
    const view = await readUser(deps.db, user.toLowerCase());
    return view ? { status: 200, body: view } : { status: 404, body: { code: 'USER_NOT_FOUND', message: 'no event of this user was stored' } };
  }
  return { status: 404, body: { message: 'no such route' } };
}

async function withQuery<S extends z.ZodType>(schema: S, query: unknown, run: (value: z.infer<S>) => Promise<unknown>): Promise<Json> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    return { status: 400, body: { code: 'INVALID_REQUEST', field, message: `${field}: ${issue?.message ?? 'invalid'}` } };
  }
  return { status: 200, body: await run(parsed.data) };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

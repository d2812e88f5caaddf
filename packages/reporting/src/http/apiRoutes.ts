import type { ErrorCode, Principal } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import type { z } from 'zod';
import { eventsQuery, reportCriteria } from '../criteria.ts';
import { listEvents } from '../listEvents.ts';
import { reportFor } from '../report.ts';
import { readStats, readUser } from '../stats.ts';
import { isOperator, OPERATOR_ONLY, scopeCriteria } from './access.ts';

export type Json = { status: number; body: unknown };

export const USER_PATH = /^\/api\/users\/([0-9a-f-]{36})$/i;

const statusOf = (code: ErrorCode): number => (code === 'FORBIDDEN' ? 403 : code === 'UNAUTHENTICATED' ? 401 : 400);

/** Answers GET /api/<stats|report|events|users/:id> for an authenticated principal, within what it may see. */
export async function answerApi(db: SqlClient, principal: Principal, url: URL): Promise<Json> {
  const query = Object.fromEntries(url.searchParams);
  switch (url.pathname) {
    case '/api/stats':
      return isOperator(principal) ? { status: 200, body: await readStats(db) } : { status: 403, body: { code: 'FORBIDDEN', message: OPERATOR_ONLY } };
    case '/api/report':
      return withQuery(reportCriteria, query, principal, (criteria) => reportFor(db, principal, criteria));
    case '/api/events':
      return withQuery(eventsQuery, query, principal, async ({ limit, ...criteria }) => ({ events: await listEvents(db, criteria, limit) }));
  }
  const user = USER_PATH.exec(url.pathname)?.[1];
  if (user) {
    return withScope(principal, { user_id: user.toLowerCase() }, async ({ user_id }) => {
      const view = await readUser(db, user_id);
      return view ? { status: 200, body: view } : { status: 404, body: { code: 'USER_NOT_FOUND', message: 'no event of this user was stored' } };
    });
  }
  return { status: 404, body: { message: 'no such route' } };
}

/** Validates the query string, limits it to what the principal may see, then runs it. */
async function withQuery<S extends z.ZodType<{ user_id?: string | undefined }>>(
  schema: S,
  query: unknown,
  principal: Principal,
  run: (value: z.infer<S>) => Promise<unknown>,
): Promise<Json> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    return { status: 400, body: { code: 'INVALID_REQUEST', field, message: `${field}: ${issue?.message ?? 'invalid'}` } };
  }
  return withScope(principal, parsed.data, async (value) => ({ status: 200, body: await run(value) }));
}

async function withScope<T extends { user_id?: string | undefined }>(principal: Principal, criteria: T, run: (value: T) => Promise<Json>): Promise<Json> {
  const scoped = scopeCriteria(principal, criteria);
  if (!scoped.ok) return { status: statusOf(scoped.code), body: { code: scoped.code, field: 'user_id', message: scoped.message } };
  return run(scoped.value);
}

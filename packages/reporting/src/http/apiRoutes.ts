import type { ErrorCode, Principal } from '@trading/contracts';
import type { z } from 'zod';
import { listDeadLetters } from '@trading/db';
import { eventsQuery, reportCriteria } from '../criteria.ts';
import { deadLetterView } from '../deadLetterView.ts';
import { listEvents } from '../listEvents.ts';
import { readSagaTimeline } from '../readSagaTimeline.ts';
import type { QueryGate, QueryOutcome } from '../queryGate.ts';
import { reportFor } from '../report.ts';
import { readStats, readUser } from '../stats.ts';
import { isOperator, OPERATOR_ONLY, scopeCriteria } from './access.ts';
import { INVALID_SAGA_ID, parseSagaKey, SAGA_PATH, sagaReply } from './sagaRoute.ts';

export type Json = { status: number; body: unknown; retryAfterMs?: number };

/** The most waiting dead letters GET /api/dead-letters lists, the most recently failed first (`pnpm dlq list` has them all). */
const DEAD_LETTERS_LISTED = 200;

export const USER_PATH = /^\/api\/users\/([0-9a-f-]{36})$/i;

const statusOf = (code: ErrorCode): number => (code === 'FORBIDDEN' ? 403 : code === 'UNAUTHENTICATED' ? 401 : 400);

/**
 * Answers GET /api/<stats|report|events|dead-letters|users/:id|sagas/:id> for an authenticated principal, within what it may see, each
 * through the query gate (its own pool, a quota per principal, a cap on the events it covers).
 */
export async function answerApi(queries: QueryGate, principal: Principal, url: URL): Promise<Json> {
  const query = Object.fromEntries(url.searchParams);
  switch (url.pathname) {
    case '/api/stats':
      if (!isOperator(principal)) return { status: 403, body: { code: 'FORBIDDEN', message: OPERATOR_ONLY } };
      return answered(await queries.run(principal, undefined, readStats));
    case '/api/dead-letters':
      // The operator's alone: a dead letter may be about anybody.
      if (!isOperator(principal)) return { status: 403, body: { code: 'FORBIDDEN', message: OPERATOR_ONLY } };
      return answered(
        await queries.run(principal, undefined, async (db) => ({
          dead_letters: (await listDeadLetters(db, { state: 'waiting', limit: DEAD_LETTERS_LISTED })).map(deadLetterView),
        })),
      );
    case '/api/report':
      return withQuery(reportCriteria, query, principal, async (criteria) =>
        answered(await queries.run(principal, criteria, (db) => reportFor(db, principal, criteria))),
      );
    case '/api/events':
      return withQuery(eventsQuery, query, principal, async ({ limit, ...criteria }) =>
        // A listing reads at most `limit` (≤ 500) events down an index, whatever it matches: no events cap.
        answered(await queries.run(principal, undefined, async (db) => ({ events: await listEvents(db, criteria, limit) }))),
      );
  }
  const user = USER_PATH.exec(url.pathname)?.[1];
  if (user) {
    return withScope(principal, { user_id: user.toLowerCase() }, async ({ user_id }) => {
      const view = await queries.run(principal, undefined, (db) => readUser(db, user_id));
      if (view.ok && !view.value) return { status: 404, body: { code: 'USER_NOT_FOUND', message: 'no event of this user was stored' } };
      return answered(view);
    });
  }
  const saga = SAGA_PATH.exec(url.pathname)?.[1];
  if (saga !== undefined) {
    const key = parseSagaKey(saga);
    if (!key) return INVALID_SAGA_ID;
    // A user sees only its own sagas: another's is answered as one that does not exist.
    return withScope<{ user_id?: string }>(principal, {}, async ({ user_id }) => {
      const lookup = await queries.run(principal, undefined, (db) => readSagaTimeline(db, key, user_id));
      return lookup.ok ? sagaReply(lookup.value) : answered(lookup);
    });
  }
  return { status: 404, body: { message: 'no such route' } };
}

/** A query's outcome as HTTP: 200 with its value, 429 RATE_LIMITED (with Retry-After), 422 QUERY_TOO_LARGE. */
function answered(outcome: QueryOutcome<unknown>): Json {
  if (outcome.ok) return { status: 200, body: outcome.value };
  const { code, message, retryAfterMs } = outcome;
  if (code === 'RATE_LIMITED') return { status: 429, body: { code, message, retry_after_ms: retryAfterMs }, retryAfterMs };
  return { status: 422, body: { code, message } };
}

/** Validates the query string, limits it to what the principal may see, then runs it. */
async function withQuery<S extends z.ZodType<{ user_id?: string | undefined }>>(
  schema: S,
  query: unknown,
  principal: Principal,
  run: (value: z.infer<S>) => Promise<Json>,
): Promise<Json> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    return { status: 400, body: { code: 'INVALID_REQUEST', field, message: `${field}: ${issue?.message ?? 'invalid'}` } };
  }
  return withScope(principal, parsed.data, run);
}

async function withScope<T extends { user_id?: string | undefined }>(principal: Principal, criteria: T, run: (value: T) => Promise<Json>): Promise<Json> {
  const scoped = scopeCriteria(principal, criteria);
  if (!scoped.ok) return { status: statusOf(scoped.code), body: { code: scoped.code, field: 'user_id', message: scoped.message } };
  return run(scoped.value);
}

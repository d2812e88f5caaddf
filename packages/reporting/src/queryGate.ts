import { encodePrincipal, type Principal } from '@trading/contracts';
import { type SqlClient, sqlStateOf } from '@trading/db';
import { createRateLimiter } from '@trading/platform';
import { type ReportCriteria, whereClause } from './criteria.ts';

/*
 * Queries (REPORT over the bus, every /api/* read) run apart from event ingestion, so that no flood of them can starve
 * it: on a pool of their own, with a statement timeout, at most `ratePerSecond` per principal (a token bucket, burst
 * `burst`), and never over more than `maxEvents` stored events. A refused query is answered at once and costs one
 * bounded count at most.
 */
export type QueryLimits = { ratePerSecond: number; burst: number; maxEvents: number; timeoutMs: number };
export type QueryRefusal = { code: 'RATE_LIMITED' | 'QUERY_TOO_LARGE'; message: string; retryAfterMs?: number };
export type QueryOutcome<T> = { ok: true; value: T } | ({ ok: false } & QueryRefusal);

export type QueryGate = {
  /** Runs `work` on the query pool for `principal`, within its quota and, given `criteria`, the events cap. */
  run<T>(principal: Principal, criteria: ReportCriteria | undefined, work: (db: SqlClient) => Promise<T>): Promise<QueryOutcome<T>>;
};

/** SQLSTATE 57014: the statement timeout cancelled the query. */
const QUERY_CANCELED = '57014';

export function createQueryGate(db: SqlClient, limits: QueryLimits, now: () => number = Date.now): QueryGate {
  const quota = createRateLimiter({ ratePerSecond: limits.ratePerSecond, burst: limits.burst, now });
  const tooLarge = (why: string): QueryOutcome<never> => ({
    ok: false,
    code: 'QUERY_TOO_LARGE',
    message: `the query ${why}: narrow it with from, to, user_id or symbol`,
  });
  return {
    async run(principal, criteria, work) {
      const taken = quota.take(encodePrincipal(principal));
      if (!taken.ok) {
        return { ok: false, code: 'RATE_LIMITED', message: `at most ${limits.ratePerSecond} queries a second`, retryAfterMs: taken.retryAfterMs };
      }
      try {
        if (criteria && (await matchesMoreThan(db, criteria, limits.maxEvents))) return tooLarge(`matches more than ${limits.maxEvents} events`);
        return { ok: true, value: await work(db) };
      } catch (err) {
        if (sqlStateOf(err) === QUERY_CANCELED) return tooLarge(`ran longer than ${limits.timeoutMs} ms`);
        throw err;
      }
    },
  };
}

/** Whether more than `max` stored events match: a count that stops at max + 1. */
async function matchesMoreThan(db: SqlClient, criteria: ReportCriteria, max: number): Promise<boolean> {
  const where = whereClause(criteria);
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM reporting.event ${where.sql} LIMIT ${max + 1}) AS matching`,
    ...where.params,
  );
  return (row?.n ?? 0) > max;
}

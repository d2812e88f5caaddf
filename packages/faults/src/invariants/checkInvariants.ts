import { UnreachableError } from '@trading/platform';
import pg from 'pg';
import type { RequestRecord } from '../load/records.ts';
import { balanceChecks } from './balances.ts';
import { checkClientView, clientTotals } from './clientView.ts';
import { eventChecks } from './events.ts';
import { holdingChecks } from './holdings.ts';
import { conservationChecks } from './conservation.ts';
import { priceChecks } from './prices.ts';
import { checkReplies, checkRequestsValid } from './replies.ts';
import { sagaChecks } from './sagas.ts';
import { type CheckResult, HOUSE, inScope, type InvariantReport, type Queryable, type SqlCheck } from './types.ts';

/** PostgreSQL's SQLSTATE for a missing table: the database was never migrated. */
const UNDEFINED_TABLE = '42P01';

export const sqlChecks: readonly SqlCheck[] = [...balanceChecks, ...holdingChecks, ...conservationChecks, ...sagaChecks, ...priceChecks, ...eventChecks];

export type CheckOptions = {
  /** Check only these users (default: the users of `records`, or every user). */
  users?: readonly string[];
  /** A load's records: adds the reply checks and the clients' view of their money. */
  records?: readonly RequestRecord[];
  /** Checks not to run, by name: e.g. `events-stored-once` for a stack without Reporting. */
  skip?: readonly string[];
};

const TOTALS = `
  SELECT (SELECT count(*) FROM payment.account WHERE ${inScope('user_id')} AND user_id <> ${HOUSE})::int AS users,
         (SELECT count(*) FROM payment.ledger WHERE ${inScope('user_id')})::int AS "ledgerRows",
         (SELECT count(*) FROM trade.saga WHERE ${inScope('user_id')})::int AS sagas,
         (SELECT count(*) FROM trade.saga WHERE state = 'COMPLETED' AND ${inScope('user_id')})::int AS "sagasCompleted",
         (SELECT count(*) FROM trade.trade WHERE ${inScope('user_id')})::int AS trades,
         (SELECT count(*) FROM reporting.event WHERE ${inScope('user_id')})::int AS events`;

/** Runs every check on `db` as it is (the caller owns the transaction). */
export async function readInvariants(db: Queryable, options: CheckOptions = {}): Promise<InvariantReport> {
  const users = options.users ?? (options.records ? [...clientTotals(options.records).keys()] : undefined);
  const scope = users ? [...users] : null;
  const checks: CheckResult[] = [];
  for (const check of sqlChecks.filter((c) => !options.skip?.includes(c.name))) {
    const { rows } = await db.query(check.sql, check.global ? [] : [scope]);
    checks.push({ name: check.name, rule: check.rule, ok: rows.length === 0, violations: rows.length, examples: rows.slice(0, 10) });
  }
  if (options.records) checks.push(checkReplies(options.records), checkRequestsValid(options.records), await checkClientView(db, options.records));
  const { rows } = await db.query<Record<string, number>>(TOTALS, [scope]);
  return {
    ok: checks.every((c) => c.ok),
    checkedAt: new Date().toISOString(),
    scope: scope ? { users: scope.length } : 'all users',
    totals: { ...rows[0], ...(options.records ? { requests: options.records.length } : {}) },
    checks,
  };
}

/**
 * Checks the invariants against the database at `databaseUrl`, in one READ ONLY, REPEATABLE READ transaction:
 * every query sees the same snapshot of the three schemas, and the checker cannot write whatever role it uses.
 */
export async function checkInvariants(databaseUrl: string, options: CheckOptions = {}): Promise<InvariantReport> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'trading-invariants' });
  const where = new URL(databaseUrl);
  await client.connect().catch((err: Error) => {
    throw new UnreachableError(`cannot reach PostgreSQL at ${where.host}${where.pathname} (${err.message}); start it or set DATABASE_URL`);
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await readInvariants(client, options);
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
    throw new UnreachableError(`database ${where.pathname.slice(1)} is not migrated (${(err as Error).message}); run \`pnpm migrate\` or set DATABASE_URL`);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

/** After a load: checks until every invariant holds or `settleMs` has passed, and returns the last report. */
export async function waitForInvariants(databaseUrl: string, options: CheckOptions & { settleMs: number }): Promise<InvariantReport> {
  const deadline = Date.now() + options.settleMs;
  for (;;) {
    const report = await checkInvariants(databaseUrl, options);
    if (report.ok || Date.now() >= deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The report without the rules and passing checks' examples: one line per check, for logs and test failures. */
export function summarize(report: InvariantReport): string {
  const lines = report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : ` (${c.violations}): ${JSON.stringify(c.examples.slice(0, 3))}`}`);
  return [`invariants ${report.ok ? 'hold' : 'BROKEN'} ${JSON.stringify(report.totals)}`, ...lines].join('\n');
}

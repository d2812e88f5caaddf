import { type DatabaseOwner, databaseOwners, UnreachableError } from '@trading/platform';
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
import { type CheckQuery, type CheckResult, type Connections, HOUSE, inScope, type InvariantReport, type Queryable, type SqlCheck } from './types.ts';

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

/** The report's totals, each from the database that holds it. */
const TOTALS: readonly CheckQuery[] = [
  {
    on: 'payment',
    sql: `SELECT (SELECT count(*) FROM payment.account WHERE ${inScope('user_id')} AND user_id <> ${HOUSE})::int AS users,
                 (SELECT count(*) FROM payment.ledger WHERE ${inScope('user_id')})::int AS "ledgerRows"`,
  },
  {
    on: 'trade',
    sql: `SELECT (SELECT count(*) FROM trade.saga WHERE ${inScope('user_id')})::int AS sagas,
                 (SELECT count(*) FROM trade.saga WHERE state = 'COMPLETED' AND ${inScope('user_id')})::int AS "sagasCompleted",
                 (SELECT count(*) FROM trade.trade WHERE ${inScope('user_id')})::int AS trades`,
  },
  { on: 'reporting', sql: `SELECT (SELECT count(*) FROM reporting.event WHERE ${inScope('user_id')})::int AS events` },
];

/** Each service's database: one URL for all (the default), or a URL per service (<SERVICE>_DATABASE_URL). */
export type DatabaseUrls = string | Record<DatabaseOwner, string>;

/**
 * Runs one query of a check: first its imports, each on its own database, then the query on its database with their
 * rows as parameters. No SQL spans two databases, so the services' databases may be one or four.
 */
async function runQuery(dbs: Connections, query: CheckQuery, scope: unknown[]): Promise<Record<string, unknown>[]> {
  const imports: string[] = [];
  for (const { from, sql } of query.imports ?? []) {
    const { rows } = await dbs[from].query<{ rows: string }>(`SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]')::text AS rows FROM (${sql}) x`, scope);
    imports.push(rows[0]!.rows);
  }
  return (await dbs[query.on].query(query.sql, [...scope, ...imports])).rows;
}

/** The rows breaking one check (all of them, not only the report's examples). */
export async function checkViolations(
  db: Queryable | Connections,
  check: SqlCheck,
  users: readonly string[] | null = null,
): Promise<Record<string, unknown>[]> {
  const dbs = connectionsOf(db);
  const rows: Record<string, unknown>[] = [];
  for (const query of check.queries) rows.push(...(await runQuery(dbs, query, check.global ? [] : [users ? [...users] : null])));
  return rows;
}

/** Runs every check on `db`, one connection for every service, or one per service's database (the caller owns the transactions). */
export async function readInvariants(db: Queryable | Connections, options: CheckOptions = {}): Promise<InvariantReport> {
  const dbs = connectionsOf(db);
  const users = options.users ?? (options.records ? [...clientTotals(options.records).keys()] : undefined);
  const scope = users ? [...users] : null;
  const checks: CheckResult[] = [];
  for (const check of sqlChecks.filter((c) => !options.skip?.includes(c.name))) {
    const rows = await checkViolations(dbs, check, scope);
    checks.push({ name: check.name, rule: check.rule, ok: rows.length === 0, violations: rows.length, examples: rows.slice(0, 10) });
  }
  if (options.records) checks.push(checkReplies(options.records), checkRequestsValid(options.records), await checkClientView(dbs, options.records));
  const totals: Record<string, number> = {};
  for (const query of TOTALS) Object.assign(totals, (await runQuery(dbs, query, [scope]))[0]);
  return {
    ok: checks.every((c) => c.ok),
    checkedAt: new Date().toISOString(),
    scope: scope ? { users: scope.length } : 'all users',
    totals: { ...totals, ...(options.records ? { requests: options.records.length } : {}) },
    checks,
  };
}

const connectionsOf = (db: Queryable | Connections): Connections =>
  'query' in db ? (Object.fromEntries(databaseOwners.map((service) => [service, db])) as Connections) : db;

/**
 * Checks the invariants against the services' databases: one connection per distinct database, each in one READ ONLY,
 * REPEATABLE READ transaction, so every query on it sees one snapshot, and the checker cannot write whatever role it
 * uses. When the services share one database (the default) that is one snapshot of every schema; with a database per
 * service the snapshots are taken one after the other, moments apart, so while sagas are in flight a check across two
 * services may see one side of a step and not yet the other: judge a live system with waitForInvariants.
 */
export async function checkInvariants(databaseUrls: DatabaseUrls, options: CheckOptions = {}): Promise<InvariantReport> {
  const urls =
    typeof databaseUrls === 'string' ? (Object.fromEntries(databaseOwners.map((s) => [s, databaseUrls])) as Record<DatabaseOwner, string>) : databaseUrls;
  const clients = new Map<string, pg.Client>();
  try {
    for (const service of databaseOwners) {
      const url = urls[service];
      if (clients.has(url)) continue;
      const client = new pg.Client({ connectionString: url, application_name: 'trading-invariants' });
      clients.set(url, client);
      const where = new URL(url);
      await client.connect().catch((err: Error) => {
        throw new UnreachableError(`cannot reach PostgreSQL at ${where.host}${where.pathname} (${err.message}); start it or set ${variableOf(urls, service)}`);
      });
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The first query takes the snapshot: take each database's now, not when its first check runs.
      await client.query('SELECT 1');
    }
    const on = (service: DatabaseOwner): Queryable => clients.get(urls[service])!;
    const dbs: Connections = { payment: on('payment'), trade: on('trade'), reporting: on('reporting'), market: on('market') };
    try {
      return await readInvariants(dbs, options);
    } catch (err) {
      if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
      const names = [...clients.keys()].map((url) => new URL(url).pathname.slice(1)).join(', ');
      throw new UnreachableError(
        `database ${names} is not migrated (${(err as Error).message}); run \`pnpm migrate\` or set DATABASE_URL and <SERVICE>_DATABASE_URL`,
      );
    }
  } finally {
    for (const client of clients.values()) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

/** The variable that names a service's database: its own when the URLs differ, else DATABASE_URL. */
const variableOf = (urls: Record<DatabaseOwner, string>, service: DatabaseOwner): string =>
  new Set(Object.values(urls)).size > 1 ? `${service.toUpperCase()}_DATABASE_URL` : 'DATABASE_URL';

/** After a load: checks until every invariant holds or `settleMs` has passed, and returns the last report. */
export async function waitForInvariants(databaseUrls: DatabaseUrls, options: CheckOptions & { settleMs: number }): Promise<InvariantReport> {
  const deadline = Date.now() + options.settleMs;
  for (;;) {
    const report = await checkInvariants(databaseUrls, options);
    if (report.ok || Date.now() >= deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The report without the rules and passing checks' examples: one line per check, for logs and test failures. */
export function summarize(report: InvariantReport): string {
  const lines = report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : ` (${c.violations}): ${JSON.stringify(c.examples.slice(0, 3))}`}`);
  return [`invariants ${report.ok ? 'hold' : 'BROKEN'} ${JSON.stringify(report.totals)}`, ...lines].join('\n');
}

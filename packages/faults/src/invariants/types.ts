import { HOUSE_USER_ID } from '@trading/contracts';
import type { DatabaseOwner } from '@trading/platform';

/** Anything that runs a parameterised query: a pg Client, a pool, a client inside a transaction. */
export type Queryable = { query<R extends object = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }> };

/** Each service's database; the same connection four times when they share one. */
export type Connections = Record<DatabaseOwner, Queryable>;

/**
 * Rows read from one service's database for a query on another's: no SQL ever spans two databases. The rows travel
 * as one JSON text parameter (jsonb keeps NUMERIC exact), which the query reads with `imported`.
 */
export type Import = { from: DatabaseOwner; sql: string };

/** A query on one service's database, with what it imports from others: parameter $2 is the first import, and so on. */
export type CheckQuery = { on: DatabaseOwner; sql: string; imports?: readonly Import[] };

/**
 * One invariant, stated as queries that return the rows breaking it (none when it holds); its rows are theirs
 * together. `$1` is the user scope, which every query of a scoped check names; a `global` check has no scope (its
 * imports are then $1, $2, …) and reads the whole database whatever the scope (a sum over every account).
 */
export type SqlCheck = { name: string; rule: string; queries: readonly CheckQuery[]; global?: boolean };

/** An import's rows as a relation of the given columns, e.g. imported(2, 'user_id uuid, paid numeric'). */
export const imported = (parameter: number, columns: string): string => `(SELECT * FROM jsonb_to_recordset($${parameter}::jsonb) AS r(${columns}))`;

export type CheckResult = {
  name: string;
  rule: string;
  ok: boolean;
  violations: number;
  /** The first few offending rows, with the ids needed to look them up. */
  examples: unknown[];
};

export type InvariantReport = {
  ok: boolean;
  checkedAt: string;
  /** Users checked: all of them, or the ones a load created. */
  scope: 'all users' | { users: number };
  totals: Record<string, number>;
  checks: CheckResult[];
};

/** Keeps a query to the users in scope: `$1` is null (every user) or a uuid[]. */
export const inScope = (column: string): string => `($1::uuid[] IS NULL OR ${column} = ANY($1::uuid[]))`;

export const TERMINAL_SAGA_STATES = `('COMPLETED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT')`;

/** The house's id as a SQL literal: every trade's counterparty, whose cash and positions may be negative. */
export const HOUSE = `'${HOUSE_USER_ID}'::uuid`;

import { HOUSE_USER_ID } from '@trading/contracts';

/** Anything that runs a parameterised query: a pg Client, a pool, a client inside a transaction. */
export type Queryable = { query<R extends object = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }> };

/**
 * One invariant, stated as a query that returns the rows breaking it (none when it holds). `$1` is the user scope;
 * a `global` check has no parameter and reads the whole database whatever the scope (a sum over every account).
 */
export type SqlCheck = { name: string; rule: string; sql: string; global?: boolean };

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

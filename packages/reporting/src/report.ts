import type { SqlClient } from '@trading/db';
import { canonicalDecimal, Decimal, type Principal } from '@trading/contracts';
import { type ReportCriteria, whereClause } from './criteria.ts';
import { type Percentiles, percentiles, type SymbolRow, type SymbolView, symbolView } from './figures.ts';
import { type HouseView, readHouse } from './house.ts';
import { currentTypeSql } from './storedEvent.ts';

export type Report = {
  criteria: ReportCriteria;
  events: number;
  users: number;
  trades: number;
  quantity_bought: string;
  quantity_sold: string;
  notional: string;
  /** Only for a report over one symbol: prices of different symbols do not average. */
  vwap: string | null;
  deposits: { count: number; amount: string };
  withdrawals: { count: number; amount: string };
  saga_outcomes: { outcome: string; code: string; count: number }[];
  saga_duration_ms: Percentiles;
  event_counts: Record<string, number>;
  symbols: SymbolView[];
  /** Only in the operator's report about everybody (no user_id): the house now, whatever the other criteria. */
  house?: HouseView;
};

type Totals = { events: number; users: number; deposits: number; deposited: string; withdrawals: number; withdrawn: string; durations: number[] | null };

/**
 * The report `principal` may see, for criteria already limited to what it may ask (a user's, to its own user_id): the
 * operator's report about everybody carries the house too, no user's report ever does.
 */
export async function reportFor(db: SqlClient, principal: Principal, criteria: ReportCriteria): Promise<Report> {
  const report = await computeReport(db, criteria);
  return principal.kind === 'admin' && criteria.user_id === undefined ? { ...report, house: await readHouse(db) } : report;
}

/** The figures over the events matching the criteria, computed from the event store. Trades are completed sagas. */
export async function computeReport(db: SqlClient, criteria: ReportCriteria): Promise<Report> {
  const all = whereClause(criteria);
  const [totals] = await db.$queryRawUnsafe<Totals[]>(
    `SELECT count(*)::int AS events, count(DISTINCT user_id)::int AS users,
       count(*) FILTER (WHERE type = 'FundsDeposited')::int AS deposits,
       coalesce(sum(amount) FILTER (WHERE type = 'FundsDeposited'), 0)::text AS deposited,
       count(*) FILTER (WHERE type = 'FundsWithdrawn')::int AS withdrawals,
       coalesce(sum(amount) FILTER (WHERE type = 'FundsWithdrawn'), 0)::text AS withdrawn,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms) AS durations
     FROM reporting.event ${all.sql}`,
    ...all.params,
  );
  const trades = whereClause(criteria, `type = 'SagaCompleted'`);
  const symbolRows = await db.$queryRawUnsafe<SymbolRow[]>(
    `SELECT symbol, count(*)::int AS trades,
       coalesce(sum(quantity) FILTER (WHERE side = 'BUY'), 0)::text AS quantity_bought,
       coalesce(sum(quantity) FILTER (WHERE side = 'SELL'), 0)::text AS quantity_sold,
       sum(notional)::text AS notional
     FROM reporting.event ${trades.sql} GROUP BY symbol ORDER BY symbol`,
    ...trades.params,
  );
  const finished = whereClause(criteria, 'outcome IS NOT NULL');
  const outcomes = await db.$queryRawUnsafe<Report['saga_outcomes']>(
    `SELECT outcome, coalesce(code, '') AS code, count(*)::int AS count
     FROM reporting.event ${finished.sql} GROUP BY 1, 2 ORDER BY 1, 2`,
    ...finished.params,
  );
  const types = await db.$queryRawUnsafe<{ type: string; count: number }[]>(
    `SELECT ${currentTypeSql()} AS type, count(*)::int AS count FROM reporting.event ${all.sql} GROUP BY 1 ORDER BY 1`,
    ...all.params,
  );
  if (!totals) throw new Error('aggregate query returned no row');
  const symbols = symbolRows.map(symbolView);
  const sum = (pick: (s: SymbolView) => string) => canonicalDecimal(symbols.reduce((acc, s) => acc.add(pick(s)), new Decimal(0)));
  const quantityBought = sum((s) => s.quantity_bought);
  const quantitySold = sum((s) => s.quantity_sold);
  const notional = sum((s) => s.notional);
  return {
    criteria,
    events: totals.events,
    users: totals.users,
    trades: symbols.reduce((n, s) => n + s.trades, 0),
    quantity_bought: quantityBought,
    quantity_sold: quantitySold,
    notional,
    vwap: symbols.length === 1 ? (symbols[0]?.vwap ?? null) : null,
    deposits: { count: totals.deposits, amount: canonicalDecimal(totals.deposited) },
    withdrawals: { count: totals.withdrawals, amount: canonicalDecimal(totals.withdrawn) },
    saga_outcomes: outcomes,
    saga_duration_ms: percentiles(totals.durations),
    event_counts: Object.fromEntries(types.map((t) => [t.type, t.count])),
    symbols,
  };
}

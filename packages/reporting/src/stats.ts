import type { SqlClient } from '@trading/db';
import { canonicalDecimal, Decimal } from '@trading/contracts';
import { type Percentiles, percentiles, type SymbolRow, type SymbolView, symbolView } from './figures.ts';
import { type HouseView, readHouse } from './house.ts';
import { currentTypeSql } from './storedEvent.ts';

export type UserView = {
  user_id: string;
  trades: number;
  deposits: { count: number; amount: string };
  withdrawals: { count: number; amount: string };
  net_cash_flow: string;
  holdings: Record<string, string>;
};

export type Stats = {
  totals: { events: number; users: number; trades: number; notional: string; sagas_completed: number; sagas_failed: number };
  symbols: SymbolView[];
  top_users: UserView[];
  saga_outcomes: { outcome: string; code: string; count: number; last_reason: string | null }[];
  saga_duration_ms: Percentiles;
  per_minute: { minute: string; events: number; trades: number }[];
  event_counts: Record<string, number>;
  house: HouseView;
};

type UserRow = { user_id: string; trades: number; deposits: number; deposited: string; withdrawals: number; withdrawn: string; net_cash_flow: string };

const USER_COLUMNS = 'user_id, trades, deposits, deposited::text, withdrawals, withdrawn::text, net_cash_flow::text';

/** The live projections, as kept up to date by every stored event. `per_minute` covers the last hour. */
export async function readStats(db: SqlClient, topUsers = 10): Promise<Stats> {
  const symbolRows = await db.$queryRawUnsafe<SymbolRow[]>(
    'SELECT symbol, trades, quantity_bought::text, quantity_sold::text, notional::text FROM reporting.symbol_stats ORDER BY symbol_stats.notional DESC, symbol',
  );
  const outcomes = await db.$queryRawUnsafe<Stats['saga_outcomes']>(
    'SELECT outcome, code, count, last_reason FROM reporting.saga_outcome ORDER BY outcome, code',
  );
  const [durations] = await db.$queryRawUnsafe<{ values: number[] | null }[]>(
    'SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms) AS values FROM reporting.saga_duration',
  );
  const perMinute = await db.$queryRawUnsafe<Stats['per_minute']>(
    `SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS minute, events, trades
     FROM reporting.events_per_minute WHERE minute > now() - interval '1 hour' ORDER BY events_per_minute.minute`,
  );
  // Counts kept before an upgrade (and not rebuilt since) may name a type as an older schema version did.
  const types = await db.$queryRawUnsafe<{ type: string; count: number }[]>(
    `SELECT ${currentTypeSql()} AS type, sum(count)::int AS count FROM reporting.event_type_count GROUP BY 1 ORDER BY 1`,
  );
  const [users] = await db.$queryRawUnsafe<{ count: number }[]>('SELECT count(*)::int AS count FROM reporting.user_stats');
  const top = await db.$queryRawUnsafe<UserRow[]>(
    `SELECT ${USER_COLUMNS} FROM reporting.user_stats ORDER BY trades DESC, user_stats.deposited DESC, user_id LIMIT $1`,
    topUsers,
  );
  const symbols = symbolRows.map(symbolView);
  const completed = outcomes.filter((o) => o.outcome === 'COMPLETED').reduce((n, o) => n + o.count, 0);
  const finished = outcomes.reduce((n, o) => n + o.count, 0);
  return {
    totals: {
      events: types.reduce((n, t) => n + t.count, 0),
      users: users?.count ?? 0,
      trades: symbols.reduce((n, s) => n + s.trades, 0),
      notional: canonicalDecimal(symbols.reduce((sum, s) => sum.add(s.notional), new Decimal(0))),
      sagas_completed: completed,
      sagas_failed: finished - completed,
    },
    symbols,
    top_users: await Promise.all(top.map((row) => userView(db, row))),
    saga_outcomes: outcomes,
    saga_duration_ms: percentiles(durations?.values ?? null),
    per_minute: perMinute,
    event_counts: Object.fromEntries(types.map((t) => [t.type, t.count])),
    house: await readHouse(db),
  };
}

/** One user's projection, or null when no event of that user was stored. */
export async function readUser(db: SqlClient, userId: string): Promise<UserView | null> {
  const [row] = await db.$queryRawUnsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM reporting.user_stats WHERE user_id = $1::uuid`, userId);
  return row ? userView(db, row) : null;
}

async function userView(db: SqlClient, row: UserRow): Promise<UserView> {
  const holdings = await db.$queryRawUnsafe<{ symbol: string; quantity: string }[]>(
    'SELECT symbol, quantity::text FROM reporting.user_holding WHERE user_id = $1::uuid AND quantity <> 0 ORDER BY symbol',
    row.user_id,
  );
  return {
    user_id: row.user_id,
    trades: row.trades,
    deposits: { count: row.deposits, amount: canonicalDecimal(row.deposited) },
    withdrawals: { count: row.withdrawals, amount: canonicalDecimal(row.withdrawn) },
    net_cash_flow: canonicalDecimal(row.net_cash_flow),
    holdings: Object.fromEntries(holdings.map((h) => [h.symbol, canonicalDecimal(h.quantity)])),
  };
}

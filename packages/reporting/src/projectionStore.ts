import type { SqlClient } from '@trading/db';
import type { ProjectionDelta } from './projection.ts';

/*
 * Adds a ProjectionDelta onto the projection tables: one multi-row upsert per table, rows sorted by key so
 * concurrent transactions lock rows in the same order.
 */
export const PROJECTION_TABLES = [
  'symbol_stats',
  'user_stats',
  'user_holding',
  'saga_outcome',
  'saga_duration',
  'events_per_minute',
  'event_type_count',
  'credential',
  'house_cash',
  'house_position',
] as const;

type Table = (typeof PROJECTION_TABLES)[number];
type Upsert = { table: Table; columns: [name: string, type: string][]; key: string; onConflict: string; rows: unknown[][] };

export async function applyDelta(tx: SqlClient, delta: ProjectionDelta): Promise<void> {
  for (const upsert of upserts(delta)) {
    if (upsert.rows.length === 0) continue;
    const names = upsert.columns.map(([name]) => name).join(', ');
    const arrays = upsert.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    await tx.$executeRawUnsafe(
      `INSERT INTO reporting.${upsert.table} (${names}) SELECT * FROM unnest(${arrays}) ON CONFLICT (${upsert.key}) DO ${upsert.onConflict}`,
      ...upsert.columns.map((_, i) => upsert.rows.map((row) => row[i])),
    );
  }
}

const sorted = <V>(map: Map<string, V>): [string, V][] => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const split = (key: string): [string, string] => [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
const adding = (table: Table, columns: string[]) => `UPDATE SET ${columns.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ')}`;
/** Keeps the earlier instant of each column (LEAST ignores nulls): the same result in any order of events. */
const earliest = (table: Table, columns: string[]) => `UPDATE SET ${columns.map((c) => `${c} = LEAST(${table}.${c}, EXCLUDED.${c})`).join(', ')}`;

function upserts(delta: ProjectionDelta): Upsert[] {
  return [
    {
      table: 'symbol_stats',
      columns: [
        ['symbol', 'text'],
        ['trades', 'int'],
        ['quantity_bought', 'numeric'],
        ['quantity_sold', 'numeric'],
        ['notional', 'numeric'],
      ],
      key: 'symbol',
      onConflict: adding('symbol_stats', ['trades', 'quantity_bought', 'quantity_sold', 'notional']),
      rows: sorted(delta.symbols).map(([symbol, s]) => [symbol, s.trades, s.quantityBought.toFixed(), s.quantitySold.toFixed(), s.notional.toFixed()]),
    },
    {
      table: 'user_stats',
      columns: [
        ['user_id', 'uuid'],
        ['trades', 'int'],
        ['deposits', 'int'],
        ['deposited', 'numeric'],
        ['withdrawals', 'int'],
        ['withdrawn', 'numeric'],
        ['net_cash_flow', 'numeric'],
      ],
      key: 'user_id',
      onConflict: adding('user_stats', ['trades', 'deposits', 'deposited', 'withdrawals', 'withdrawn', 'net_cash_flow']),
      rows: sorted(delta.users).map(([userId, u]) => [
        userId,
        u.trades,
        u.deposits,
        u.deposited.toFixed(),
        u.withdrawals,
        u.withdrawn.toFixed(),
        u.netCashFlow.toFixed(),
      ]),
    },
    {
      table: 'user_holding',
      columns: [
        ['user_id', 'uuid'],
        ['symbol', 'text'],
        ['quantity', 'numeric'],
      ],
      key: 'user_id, symbol',
      onConflict: adding('user_holding', ['quantity']),
      rows: sorted(delta.holdings).map(([key, quantity]) => [...split(key), quantity.toFixed()]),
    },
    {
      table: 'saga_outcome',
      columns: [
        ['outcome', 'text'],
        ['code', 'text'],
        ['count', 'int'],
        ['last_reason', 'text'],
      ],
      key: 'outcome, code',
      onConflict: `${adding('saga_outcome', ['count'])}, last_reason = coalesce(EXCLUDED.last_reason, saga_outcome.last_reason)`,
      rows: sorted(delta.outcomes).map(([key, o]) => [...split(key), o.count, o.lastReason]),
    },
    {
      table: 'saga_duration',
      columns: [
        ['saga_id', 'uuid'],
        ['outcome', 'text'],
        ['duration_ms', 'int'],
      ],
      key: 'saga_id',
      onConflict: 'NOTHING',
      rows: sorted(delta.durations).map(([sagaId, d]) => [sagaId, d.outcome, d.durationMs]),
    },
    {
      table: 'events_per_minute',
      columns: [
        ['minute', 'timestamptz'],
        ['events', 'int'],
        ['trades', 'int'],
      ],
      key: 'minute',
      onConflict: adding('events_per_minute', ['events', 'trades']),
      rows: sorted(delta.minutes).map(([minute, m]) => [minute, m.events, m.trades]),
    },
    {
      table: 'event_type_count',
      columns: [
        ['type', 'text'],
        ['count', 'int'],
      ],
      key: 'type',
      onConflict: adding('event_type_count', ['count']),
      rows: sorted(delta.eventTypes).map(([type, count]) => [type, count]),
    },
    {
      table: 'credential',
      columns: [
        ['key_sha256', 'text'],
        ['user_id', 'uuid'],
        ['issued_at', 'timestamptz'],
        ['revoked_at', 'timestamptz'],
      ],
      key: 'key_sha256',
      onConflict: earliest('credential', ['issued_at', 'revoked_at']),
      rows: sorted(delta.credentials).map(([keySha256, c]) => [keySha256, c.userId, c.issuedAt, c.revokedAt]),
    },
    {
      table: 'house_cash',
      columns: [
        ['house', 'bool'],
        ['cash', 'numeric'],
        ['fees', 'numeric'],
      ],
      key: 'house',
      onConflict: adding('house_cash', ['cash', 'fees']),
      rows: delta.house ? [[true, delta.house.cash.toFixed(), delta.house.fees.toFixed()]] : [],
    },
    {
      table: 'house_position',
      columns: [
        ['symbol', 'text'],
        ['quantity', 'numeric'],
      ],
      key: 'symbol',
      onConflict: adding('house_position', ['quantity']),
      rows: sorted(delta.housePositions).map(([symbol, quantity]) => [symbol, quantity.toFixed()]),
    },
  ];
}

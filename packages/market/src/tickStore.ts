import type { PriceTicked } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import type { Instrument } from './instrument.ts';

export type LatestTick = { seq: number; price: string };

/** The market's instruments, as migration 0009_market seeded them. Read once per leadership term. */
export async function loadInstruments(db: SqlClient): Promise<Instrument[]> {
  return db
    .$queryRawUnsafe<Instrument[]>(
      `SELECT symbol, market, opens_at::text AS opens, closes_at::text AS closes,
            reference_price::text AS "referencePrice", price_tick::text AS "priceTick"
       FROM market.instrument ORDER BY symbol`,
    )
    .then((rows) => rows.map((row) => ({ ...row, referencePrice: trim(row.referencePrice), priceTick: trim(row.priceTick) })));
}

/** Each symbol's latest stored tick: where a new leader resumes its price and its seq. */
export async function latestTicks(db: SqlClient): Promise<Map<string, LatestTick>> {
  const rows = await db.$queryRawUnsafe<{ symbol: string; seq: string; price: string }[]>(
    // Ordered by the column itself, not by the text output of the same name ("9" > "1012").
    'SELECT DISTINCT ON (t.symbol) t.symbol, t.seq::text AS seq, t.price::text AS price FROM market.tick t ORDER BY t.symbol, t.seq DESC',
  );
  return new Map(rows.map((row) => [row.symbol, { seq: Number(row.seq), price: trim(row.price) }]));
}

/** Stores one round of ticks in one statement, so in one transaction; fails whole if any (symbol, seq) is stored already. */
export async function storeTicks(db: SqlClient, ticks: readonly PriceTicked[]): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO market.tick (symbol, seq, price, at)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::timestamptz[])`,
    ticks.map((t) => t.symbol),
    ticks.map((t) => t.seq),
    ticks.map((t) => t.price),
    ticks.map((t) => t.at),
  );
}

/** Deletes the ticks older than `keepSince`, except each symbol's latest, which a new leader resumes from however old. */
export async function pruneTicks(db: SqlClient, keepSince: Date): Promise<void> {
  await db.$executeRawUnsafe(
    `DELETE FROM market.tick old WHERE old.at < $1
        AND EXISTS (SELECT 1 FROM market.tick newer WHERE newer.symbol = old.symbol AND newer.seq > old.seq)`,
    keepSince,
  );
}

/** NUMERIC reads back with its scale's zeros ("180.00000000"): the canonical decimal text. */
function trim(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

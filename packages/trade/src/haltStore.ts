import { batchedQuery, batchedStatements, type SqlClient } from '@trading/db';
import type { Instrument } from './domain.ts';

/*
 * trade.halt: the symbols and markets in which the operator halted trading. Read in every order's and every BUY
 * execution's transaction (one read per round, however many orders of the batch ask), so a halt answered OK stops
 * every order and execution that commits after it, on every Trade instance.
 */

export type HaltScope = { scope: 'SYMBOL' | 'MARKET'; name: string };

const statements = batchedStatements((tx) => ({
  halts: batchedQuery(async (asks: readonly string[]) => {
    const rows = await tx.$queryRawUnsafe<HaltScope[]>(`SELECT scope, name FROM trade.halt`);
    const halted = new Set(rows.map((row) => `${row.scope}:${row.name}`));
    return asks.map(() => halted);
  }),
}));

/** Whether trading in an instrument is halted, by its symbol or by its market. */
export type Halts = (instrument: Instrument | undefined) => boolean;

/** The halts as this transaction reads them, to ask of any instrument: read before the instrument is known, side by side with what finds it. */
export async function readHalts(tx: SqlClient): Promise<Halts> {
  const halted = await statements(tx).halts('*');
  return (instrument) => instrument !== undefined && (halted.has(`SYMBOL:${instrument.symbol}`) || halted.has(`MARKET:${instrument.market.name}`));
}

/** Halts trading; false if it was halted already. */
export async function addHalt(db: SqlClient, halt: HaltScope, at: Date): Promise<boolean> {
  const added = await db.$executeRawUnsafe(
    `INSERT INTO trade.halt (scope, name, halted_at) VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING`,
    halt.scope,
    halt.name,
    at,
  );
  return added > 0;
}

/** Resumes trading; false if it was not halted. */
export async function removeHalt(db: SqlClient, halt: HaltScope): Promise<boolean> {
  return (await db.$executeRawUnsafe(`DELETE FROM trade.halt WHERE scope = $1 AND name = $2`, halt.scope, halt.name)) > 0;
}

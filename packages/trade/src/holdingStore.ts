import { canonicalDecimal, Decimal, HOUSE_USER_ID } from '@trading/contracts';
import { assertDistinct, byPosition, batchedQuery, batchedWrite, columns, batchedStatements, type SqlClient } from '@trading/db';
import type { Holding, Saga } from './domain.ts';

/*
 * trade.holding: one row per user and symbol, the record of holdings. Every change is one conditional UPDATE (or
 * upsert), so concurrent sagas of the same user and symbol never lose an update or oversell. The house
 * (HOUSE_USER_ID) holds the other side of every trade: a BUY moves its quantity from the house to the user, a
 * completed SELL from the user to the house, in the same transaction, so each symbol's holdings sum to zero.
 */

type Movement = { userId: string; symbol: string; quantity: string };

/*
 * The statements the sagas of a batch share (batched statements). A holding appears at most once in a statement; two
 * changes of one holding fail the batch, which then runs message by message.
 */
const statements = batchedStatements((tx) => ({
  add: batchedWrite((sagas: readonly Saga[]) => addToHoldings(tx, sagas)),
  reserve: batchedQuery((sales: readonly Movement[]) => reserveHoldings(tx, sales)),
  settle: batchedWrite((sagas: readonly Saga[]) => settleSales(tx, sagas)),
  restore: batchedWrite((sagas: readonly Saga[]) => restoreHoldings(tx, sagas)),
  house: batchedWrite((moves: readonly Movement[]) => moveHousePositions(tx, moves)),
}));

/** A BUY adds its quantity and what it cost to the user's holding, and takes the quantity from the house's. */
export async function addToHolding(tx: SqlClient, saga: Saga): Promise<void> {
  await Promise.all([
    statements(tx).add(saga),
    statements(tx).house({ userId: HOUSE_USER_ID, symbol: saga.symbol, quantity: new Decimal(saga.quantity).neg().toFixed() }),
  ]);
}

/** A SELL moves its quantity from `quantity` to `reserved`; false (nothing changed) if the user holds less. */
export async function reserveHolding(tx: SqlClient, userId: string, symbol: string, quantity: string): Promise<boolean> {
  return statements(tx).reserve({ userId, symbol, quantity });
}

/**
 * A completed SELL removes its reserved quantity and the matching share of the cost basis (an emptied holding goes),
 * and gives the quantity to the house.
 */
export async function settleSale(tx: SqlClient, saga: Saga): Promise<void> {
  await Promise.all([statements(tx).settle(saga), statements(tx).house({ userId: HOUSE_USER_ID, symbol: saga.symbol, quantity: saga.quantity })]);
}

/** A rejected SELL gives its reserved quantity back. */
export async function restoreHolding(tx: SqlClient, saga: Saga): Promise<void> {
  await statements(tx).restore(saga);
}

const holdingOf = (m: { userId: string; symbol: string }) => `${m.userId.toLowerCase()}/${m.symbol}`;
const movements = (items: readonly Movement[]) => columns(items, [(m) => m.userId, (m) => m.symbol, (m) => m.quantity]);

/** In (user, symbol) order, as every transaction that upserts several holdings takes their locks. */
async function addToHoldings(tx: SqlClient, sagas: readonly Saga[]): Promise<void> {
  assertDistinct(sagas, holdingOf, 'holding');
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis)
     SELECT user_id, symbol, quantity, 0, cost FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::numeric[]) AS b(user_id, symbol, quantity, cost)
     ORDER BY user_id, symbol
     ON CONFLICT (user_id, symbol) DO UPDATE
       SET quantity = holding.quantity + EXCLUDED.quantity, cost_basis = holding.cost_basis + EXCLUDED.cost_basis`,
    ...columns(sagas, [(s) => s.userId, (s) => s.symbol, (s) => s.quantity, (s) => s.execution?.notional]),
  );
}

/**
 * The house's positions: many sagas of a batch move the same one, so their quantities are summed per symbol into one
 * upsert (nothing is decided on the house's position). Its cost basis stays 0: the house's cash is in Payment.
 */
async function moveHousePositions(tx: SqlClient, moves: readonly Movement[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis)
     SELECT user_id, symbol, sum(quantity), 0, 0 FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS m(user_id, symbol, quantity)
     GROUP BY user_id, symbol ORDER BY user_id, symbol
     ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = holding.quantity + EXCLUDED.quantity`,
    ...movements(moves),
  );
}

async function reserveHoldings(tx: SqlClient, sales: readonly Movement[]): Promise<boolean[]> {
  assertDistinct(sales, holdingOf, 'holding');
  const rows = await tx.$queryRawUnsafe<{ n: string }[]>(
    `UPDATE trade.holding AS h SET quantity = h.quantity - s.quantity, reserved = h.reserved + s.quantity
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) WITH ORDINALITY AS s(user_id, symbol, quantity, n)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol AND h.quantity >= s.quantity
     RETURNING s.n`,
    ...movements(sales),
  );
  return byPosition(rows, sales.length).map((row) => row !== undefined);
}

async function settleSales(tx: SqlClient, sagas: readonly Saga[]): Promise<void> {
  assertDistinct(sagas, holdingOf, 'holding');
  await tx.$executeRawUnsafe(
    `UPDATE trade.holding AS h
     SET reserved = h.reserved - s.quantity, cost_basis = h.cost_basis - round(h.cost_basis * s.quantity / (h.quantity + h.reserved), 8)
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS s(user_id, symbol, quantity)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol`,
    ...movements(sagas),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM trade.holding AS h USING unnest($1::uuid[], $2::text[]) AS s(user_id, symbol)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol AND h.quantity = 0 AND h.reserved = 0`,
    ...columns(sagas, [(s) => s.userId, (s) => s.symbol]),
  );
}

async function restoreHoldings(tx: SqlClient, sagas: readonly Saga[]): Promise<void> {
  assertDistinct(sagas, holdingOf, 'holding');
  await tx.$executeRawUnsafe(
    `UPDATE trade.holding AS h SET quantity = h.quantity + s.quantity, reserved = h.reserved - s.quantity
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS s(user_id, symbol, quantity)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol`,
    ...movements(sagas),
  );
}

export async function listHoldings(db: SqlClient, userId: string): Promise<Holding[]> {
  const rows = await db.$queryRawUnsafe<{ symbol: string; quantity: string; reserved: string; cost_basis: string }[]>(
    `SELECT symbol, quantity::text, reserved::text, cost_basis::text FROM trade.holding WHERE user_id = $1::uuid ORDER BY symbol`,
    userId,
  );
  return rows.map((r) => ({
    symbol: r.symbol,
    quantity: canonicalDecimal(r.quantity),
    reserved: canonicalDecimal(r.reserved),
    costBasis: canonicalDecimal(r.cost_basis),
  }));
}

import { canonicalDecimal, Decimal, HOUSE_USER_ID } from '@trading/contracts';
import { assertDistinct, byPosition, batchedQuery, batchedWrite, columns, batchedStatements, type SqlClient } from '@trading/db';
import type { Saga } from './domain.ts';

/*
 * trade.holding: one row per user and symbol, the record of holdings. Every change is one conditional UPDATE (or
 * upsert), so concurrent sagas of the same user and symbol never lose an update or oversell. The house
 * (HOUSE_USER_ID) holds the other side of every trade: a BUY moves its quantity from the house to the user, a
 * completed SELL from the user to the house, in the same transaction, so each symbol's holdings sum to zero.
 */

type Movement = { userId: string; symbol: string; quantity: string };
/** A holding as a change left it (RETURNING): what the `account` stream announces. Both 0 when it is gone. */
export type HoldingAfter = { quantity: string; reserved: string };
type HoldingRow = { user_id: string; symbol: string; quantity: string; reserved: string };
const AFTER = 'h.user_id::text, h.symbol, h.quantity::text, h.reserved::text';

/** The returned rows put back in the order of the items (a statement changes each holding once: assertDistinct). */
function afterEach(items: readonly { userId: string; symbol: string }[], rows: readonly HoldingRow[]): HoldingAfter[] {
  const found = new Map(rows.map((row) => [holdingOf({ userId: row.user_id, symbol: row.symbol }), row]));
  return items.map((item) => {
    const row = found.get(holdingOf(item));
    return { quantity: canonicalDecimal(row?.quantity ?? '0'), reserved: canonicalDecimal(row?.reserved ?? '0') };
  });
}

/*
 * The statements the sagas of a batch share (batched statements). A holding appears at most once in a statement; two
 * changes of one holding fail the batch, which then runs message by message.
 */
const statements = batchedStatements((tx) => ({
  add: batchedQuery((sagas: readonly Saga[]) => addToHoldings(tx, sagas)),
  reserve: batchedQuery((sales: readonly Movement[]) => reserveHoldings(tx, sales)),
  settle: batchedQuery((sagas: readonly Saga[]) => settleSales(tx, sagas)),
  restore: batchedQuery((sagas: readonly Saga[]) => restoreHoldings(tx, sagas)),
  house: batchedWrite((moves: readonly Movement[]) => moveHousePositions(tx, moves)),
}));

/** A BUY adds its quantity and what it cost to the user's holding, and takes the quantity from the house's. */
export async function addToHolding(tx: SqlClient, saga: Saga): Promise<HoldingAfter> {
  const [after] = await Promise.all([
    statements(tx).add(saga),
    statements(tx).house({ userId: HOUSE_USER_ID, symbol: saga.symbol, quantity: new Decimal(saga.quantity).neg().toFixed() }),
  ]);
  return after;
}

/** A SELL moves its quantity from `quantity` to `reserved`; undefined (nothing changed) if the user holds less. */
export async function reserveHolding(tx: SqlClient, userId: string, symbol: string, quantity: string): Promise<HoldingAfter | undefined> {
  return statements(tx).reserve({ userId, symbol, quantity });
}

/**
 * A completed SELL removes its reserved quantity and the matching share of the cost basis (an emptied holding goes),
 * and gives the quantity to the house.
 */
export async function settleSale(tx: SqlClient, saga: Saga): Promise<HoldingAfter> {
  const [after] = await Promise.all([
    statements(tx).settle(saga),
    statements(tx).house({ userId: HOUSE_USER_ID, symbol: saga.symbol, quantity: saga.quantity }),
  ]);
  return after;
}

/** A rejected SELL gives its reserved quantity back. */
export async function restoreHolding(tx: SqlClient, saga: Saga): Promise<HoldingAfter> {
  return statements(tx).restore(saga);
}

const holdingOf = (m: { userId: string; symbol: string }) => `${m.userId.toLowerCase()}/${m.symbol}`;
const movements = (items: readonly Movement[]) => columns(items, [(m) => m.userId, (m) => m.symbol, (m) => m.quantity]);

/** In (user, symbol) order, as every transaction that upserts several holdings takes their locks. */
async function addToHoldings(tx: SqlClient, sagas: readonly Saga[]): Promise<HoldingAfter[]> {
  assertDistinct(sagas, holdingOf, 'holding');
  const rows = await tx.$queryRawUnsafe<HoldingRow[]>(
    `INSERT INTO trade.holding AS h (user_id, symbol, quantity, reserved, cost_basis)
     SELECT user_id, symbol, quantity, 0, cost FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::numeric[]) AS b(user_id, symbol, quantity, cost)
     ORDER BY user_id, symbol
     ON CONFLICT (user_id, symbol) DO UPDATE
       SET quantity = h.quantity + EXCLUDED.quantity, cost_basis = h.cost_basis + EXCLUDED.cost_basis
     RETURNING ${AFTER}`,
    ...columns(sagas, [(s) => s.userId, (s) => s.symbol, (s) => s.quantity, (s) => s.execution?.notional]),
  );
  return afterEach(sagas, rows);
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

async function reserveHoldings(tx: SqlClient, sales: readonly Movement[]): Promise<(HoldingAfter | undefined)[]> {
  assertDistinct(sales, holdingOf, 'holding');
  const rows = await tx.$queryRawUnsafe<(HoldingRow & { n: string })[]>(
    `UPDATE trade.holding AS h SET quantity = h.quantity - s.quantity, reserved = h.reserved + s.quantity
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) WITH ORDINALITY AS s(user_id, symbol, quantity, n)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol AND h.quantity >= s.quantity
     RETURNING s.n, ${AFTER}`,
    ...movements(sales),
  );
  return byPosition(rows, sales.length).map((row) => row && { quantity: canonicalDecimal(row.quantity), reserved: canonicalDecimal(row.reserved) });
}

async function settleSales(tx: SqlClient, sagas: readonly Saga[]): Promise<HoldingAfter[]> {
  assertDistinct(sagas, holdingOf, 'holding');
  const rows = await tx.$queryRawUnsafe<HoldingRow[]>(
    `UPDATE trade.holding AS h
     SET reserved = h.reserved - s.quantity, cost_basis = h.cost_basis - round(h.cost_basis * s.quantity / (h.quantity + h.reserved), 8)
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS s(user_id, symbol, quantity)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol
     RETURNING ${AFTER}`,
    ...movements(sagas),
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM trade.holding AS h USING unnest($1::uuid[], $2::text[]) AS s(user_id, symbol)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol AND h.quantity = 0 AND h.reserved = 0`,
    ...columns(sagas, [(s) => s.userId, (s) => s.symbol]),
  );
  return afterEach(sagas, rows);
}

async function restoreHoldings(tx: SqlClient, sagas: readonly Saga[]): Promise<HoldingAfter[]> {
  assertDistinct(sagas, holdingOf, 'holding');
  const rows = await tx.$queryRawUnsafe<HoldingRow[]>(
    `UPDATE trade.holding AS h SET quantity = h.quantity + s.quantity, reserved = h.reserved - s.quantity
     FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS s(user_id, symbol, quantity)
     WHERE h.user_id = s.user_id AND h.symbol = s.symbol
     RETURNING ${AFTER}`,
    ...movements(sagas),
  );
  return afterEach(sagas, rows);
}

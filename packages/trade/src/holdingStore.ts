import type { SqlClient } from '@trading/db';
import type { Holding, Saga } from './domain.ts';
import { canonical } from './canonical.ts';

/*
 * trade.holding: one row per user and symbol. Every change is one conditional UPDATE (or upsert), so
 * concurrent sagas of the same user and symbol never lose an update or oversell.
 */

/** A BUY adds its quantity and what it cost. */
export async function addToHolding(tx: SqlClient, saga: Saga): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis) VALUES ($1::uuid, $2, $3::numeric, 0, $4::numeric)
     ON CONFLICT (user_id, symbol) DO UPDATE
       SET quantity = holding.quantity + EXCLUDED.quantity, cost_basis = holding.cost_basis + EXCLUDED.cost_basis`,
    saga.userId, saga.symbol, saga.quantity, saga.notional,
  );
}

/** A SELL moves its quantity from `quantity` to `reserved`; false (nothing changed) if the user holds less. */
export async function reserveHolding(tx: SqlClient, userId: string, symbol: string, quantity: string): Promise<boolean> {
  const changed = await tx.$executeRawUnsafe(
    `UPDATE trade.holding SET quantity = quantity - $3::numeric, reserved = reserved + $3::numeric
     WHERE user_id = $1::uuid AND symbol = $2 AND quantity >= $3::numeric`,
    userId, symbol, quantity,
  );
  return changed === 1;
}

/** A completed SELL removes its reserved quantity and the matching share of the cost basis; an emptied holding goes. */
export async function settleSale(tx: SqlClient, saga: Saga): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE trade.holding
     SET reserved = reserved - $3::numeric, cost_basis = cost_basis - round(cost_basis * $3::numeric / (quantity + reserved), 8)
     WHERE user_id = $1::uuid AND symbol = $2`,
    saga.userId, saga.symbol, saga.quantity,
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM trade.holding WHERE user_id = $1::uuid AND symbol = $2 AND quantity = 0 AND reserved = 0`,
    saga.userId, saga.symbol,
  );
}

/** A rejected SELL gives its reserved quantity back. */
export async function restoreHolding(tx: SqlClient, saga: Saga): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE trade.holding SET quantity = quantity + $3::numeric, reserved = reserved - $3::numeric WHERE user_id = $1::uuid AND symbol = $2`,
    saga.userId, saga.symbol, saga.quantity,
  );
}

export async function listHoldings(db: SqlClient, userId: string): Promise<Holding[]> {
  const rows = await db.$queryRawUnsafe<{ symbol: string; quantity: string; reserved: string; cost_basis: string }[]>(
    `SELECT symbol, quantity::text, reserved::text, cost_basis::text FROM trade.holding WHERE user_id = $1::uuid ORDER BY symbol`,
    userId,
  );
  return rows.map((r) => ({ symbol: r.symbol, quantity: canonical(r.quantity), reserved: canonical(r.reserved), costBasis: canonical(r.cost_basis) }));
}

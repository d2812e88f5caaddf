import type { SqlClient } from '@trading/db';
import { canonicalDecimal } from '@trading/contracts';

/**
 * The house, every trade's counterparty, as the operator sees it: its cash (BUYs' notional + fee taken in, less
 * SELLs' notional − fee paid out), the fees among it, and its non-zero position per symbol. Both may be negative:
 * the house sells what it does not hold.
 */
export type HouseView = { cash: string; fees: string; positions: Record<string, string> };

export async function readHouse(db: SqlClient): Promise<HouseView> {
  const [cash] = await db.$queryRawUnsafe<{ cash: string; fees: string }[]>('SELECT cash::text, fees::text FROM reporting.house_cash');
  const positions = await db.$queryRawUnsafe<{ symbol: string; quantity: string }[]>(
    'SELECT symbol, quantity::text FROM reporting.house_position WHERE quantity <> 0 ORDER BY symbol',
  );
  return {
    cash: canonicalDecimal(cash?.cash ?? '0'),
    fees: canonicalDecimal(cash?.fees ?? '0'),
    positions: Object.fromEntries(positions.map((p) => [p.symbol, canonicalDecimal(p.quantity)])),
  };
}

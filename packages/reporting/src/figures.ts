import { canonicalDecimal, Decimal, MONEY_SCALE } from '@trading/contracts';

export type SymbolRow = { symbol: string; trades: number; quantity_bought: string; quantity_sold: string; notional: string };
export type SymbolView = SymbolRow & { vwap: string | null };

/** Volume-weighted average price: notional over the quantity traded both ways, half-even to the money scale. */
export function vwap(notional: string, quantityBought: string, quantitySold: string): string | null {
  const quantity = new Decimal(quantityBought).add(quantitySold);
  if (quantity.isZero()) return null;
  return new Decimal(notional).div(quantity).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN).toFixed();
}

export function symbolView(row: SymbolRow): SymbolView {
  const view = {
    symbol: row.symbol,
    trades: row.trades,
    quantity_bought: canonicalDecimal(row.quantity_bought),
    quantity_sold: canonicalDecimal(row.quantity_sold),
    notional: canonicalDecimal(row.notional),
  };
  return { ...view, vwap: vwap(view.notional, view.quantity_bought, view.quantity_sold) };
}

export type Percentiles = { p50: number; p95: number; p99: number } | null;

/** percentile_cont(ARRAY[0.5, 0.95, 0.99]) as whole milliseconds; null when there is no duration. */
export function percentiles(values: number[] | null): Percentiles {
  if (!values) return null;
  const [p50 = 0, p95 = 0, p99 = 0] = values.map((v) => Math.round(v));
  return { p50, p95, p99 };
}

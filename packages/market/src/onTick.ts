import { Decimal } from 'decimal.js';

/**
 * A float price as the decimal string that leaves the generator: rounded half-up to the symbol's price tick, never
 * below one tick. The float arithmetic of a walk stops here; everything after it (the bus, the database) is decimal.
 */
export function onTick(price: number, tick: string): string {
  const step = new Decimal(tick);
  const ticks = Decimal.max(new Decimal(price).div(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP), 1);
  return ticks.mul(step).toFixed();
}

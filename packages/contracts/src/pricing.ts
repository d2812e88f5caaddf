import { Decimal, MONEY_SCALE, notional } from './money.ts';

/*
 * The money rules of a trade, in one place, so that Trade, Payment, the invariant checker and the tests compute the
 * same figures:
 *
 * - notional = price × quantity, rounded half-even to 8 decimals (money.ts);
 * - fee = notional × fee_bps / 10 000, rounded half-even to 8 decimals;
 * - a BUY pays notional + fee; a SELL receives notional − fee; the house takes the other side of both.
 *
 * The figures are computed once, by Trade, and travel as decimal strings: Payment books exactly them, on both sides.
 */

/** One basis point is 1/10 000. */
const BPS = 10_000;

/** The fee on a notional at `feeBps` basis points. */
export function tradeFee(notionalAmount: string, feeBps: number): string {
  return new Decimal(notionalAmount).mul(feeBps).div(BPS).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN).toFixed();
}

/** What a BUY of `quantity` at most at `price` must reserve: its notional and its fee. Never less than the trade costs. */
export function buyReservation(price: string, quantity: string, feeBps: number): string {
  const total = notional(price, quantity);
  return new Decimal(total).add(tradeFee(total, feeBps)).toFixed();
}

/** Whether `value` is a whole number of `step`s (a price on its tick, a quantity on its lot). */
export function onGrid(value: string, step: string): boolean {
  return new Decimal(value).mod(step).isZero();
}

/**
 * The price a market order may execute at, at most (BUY) or at least (SELL): the last price moved by the collar
 * (`collarBps`), rounded outwards to the price tick, so a market order never trades further than the collar allows.
 */
export function collarPrice(side: 'BUY' | 'SELL', last: string, collarBps: number, tick: string): string {
  const factor = new Decimal(BPS + (side === 'BUY' ? collarBps : -collarBps)).div(BPS);
  const steps = new Decimal(last).mul(factor).div(tick);
  const rounded = side === 'BUY' ? steps.ceil() : steps.floor();
  return Decimal.max(rounded, 1).mul(tick).toFixed();
}

/** Whether a BUY at most at `limit` (SELL at least at `limit`) may trade at `price`. */
export function withinLimit(side: 'BUY' | 'SELL', price: string, limit: string): boolean {
  return side === 'BUY' ? new Decimal(price).lte(limit) : new Decimal(price).gte(limit);
}

/** Whether `limit` lies within `bandPct` percent of the market price `last`. */
export function withinBand(limit: string, last: string, bandPct: number): boolean {
  const distance = new Decimal(limit).sub(last).abs();
  return distance.lte(new Decimal(last).mul(bandPct).div(100));
}

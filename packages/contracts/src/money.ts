import { Decimal } from 'decimal.js';

/** Every amount, price and quantity is a decimal with at most this many fractional digits (NUMERIC(20, 8) in PostgreSQL). */
export const MONEY_SCALE = 8;
/** The largest amount, price or quantity one request may carry. */
export const MAX_AMOUNT = '1000000000';

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export type AmountRule = 'NOT_A_DECIMAL' | 'NOT_POSITIVE' | 'TOO_MANY_DECIMALS' | 'ABOVE_MAXIMUM';

export type AmountCheck = { ok: true; value: string } | { ok: false; rule: AmountRule; message: string };

/**
 * Reads a client amount: a plain decimal string ("100.50") or a JSON number read as its decimal text.
 * Returns the canonical decimal string, or the rule it broke. No float arithmetic: numbers are only stringified.
 */
export function checkAmount(input: unknown): AmountCheck {
  const text = typeof input === 'number' ? String(input) : input;
  if (typeof text !== 'string' || !PLAIN_DECIMAL.test(text)) {
    return { ok: false, rule: 'NOT_A_DECIMAL', message: 'must be a plain decimal such as "100.50" (no exponent, NaN or Infinity)' };
  }
  const value = new Decimal(text);
  if (value.lte(0)) return { ok: false, rule: 'NOT_POSITIVE', message: 'must be greater than zero' };
  if (value.decimalPlaces() > MONEY_SCALE) {
    return { ok: false, rule: 'TOO_MANY_DECIMALS', message: `must have at most ${MONEY_SCALE} decimal places` };
  }
  if (value.gt(MAX_AMOUNT)) return { ok: false, rule: 'ABOVE_MAXIMUM', message: `must be at most ${MAX_AMOUNT}` };
  return { ok: true, value: value.toFixed() };
}

/** price × quantity, rounded half-even to the money scale. */
export function notional(price: string, quantity: string): string {
  return new Decimal(price).mul(quantity).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN).toFixed();
}

/** A decimal written without trailing zeros: NUMERIC(20, 8) reads back as "12.50000000", the wire carries "12.5". */
export function canonicalDecimal(value: string | Decimal): string {
  return new Decimal(value).toFixed();
}

export { Decimal };

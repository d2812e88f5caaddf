import { Decimal, type ErrorCode, MAX_AMOUNT, notional } from '@trading/contracts';
import type { Instrument, Market, Order } from './domain.ts';

export type OrderDecision =
  | { ok: true; price: string; notional: string; marketOrder: boolean }
  | { ok: false; code: ErrorCode; message: string };

export type OrderContext = { now: Date; marketsAlwaysOpen: boolean };

/**
 * Decides whether a BUY or SELL may start: the symbol is known, its market is open, and price × amount is a
 * positive amount of money within the limits. An order without `price` is a market order at the reference price.
 * (Whether a seller holds enough is checked atomically when the holding is reserved.) Pure.
 */
export function decideOrder(order: Order, instrument: Instrument | undefined, context: OrderContext): OrderDecision {
  if (!instrument) return refuse('SYMBOL_NOT_FOUND', `unknown symbol ${order.symbol}`);
  const { market } = instrument;
  if (!context.marketsAlwaysOpen && !isMarketOpen(market, context.now)) {
    return refuse('MARKET_CLOSED', `the ${market.name} market of ${order.symbol} is open ${market.opens}–${market.closes} UTC`);
  }
  const price = order.price ?? instrument.referencePrice;
  const total = notional(price, order.amount);
  if (new Decimal(total).isZero()) return refuse('INVALID_AMOUNT', `price × amount (${price} × ${order.amount}) rounds to zero`);
  if (new Decimal(total).gt(MAX_AMOUNT)) return refuse('INVALID_AMOUNT', `price × amount (${total}) must be at most ${MAX_AMOUNT}`);
  return { ok: true, price, notional: total, marketOrder: order.price === undefined };
}

/** Open from `opens` through the last second of `closes`, in UTC: Crypto's 00:00:00–23:59:59 is the whole day. */
export function isMarketOpen(market: Market, now: Date): boolean {
  const time = now.toISOString().slice(11, 19);
  return market.opens <= time && time <= market.closes;
}

function refuse(code: ErrorCode, message: string): OrderDecision {
  return { ok: false, code, message };
}

import { buyReservation, collarPrice, Decimal, type ErrorCode, notional, onGrid, withinBand } from '@trading/contracts';
import { decideExecution, type MarketView, type PriceRules } from './decideExecution.ts';
import type { Execution, Instrument, Market, Order } from './domain.ts';

/** An accepted order: its bound, what a BUY reserves, and a SELL's execution (a SELL executes when accepted). */
export type AcceptedOrder = { ok: true; limitPrice: string | null; priceBound: string; reserved: string | null; execution: Execution | null };
export type OrderDecision = AcceptedOrder | { ok: false; code: ErrorCode; message: string; fields?: Record<string, string> };

/** Trade's order rules: market hours, and the price rules (fee, price age, collar, band). */
export type OrderRules = PriceRules & { marketsAlwaysOpen: boolean; collarBps: number; bandPct: number };

/**
 * Decides whether a BUY or SELL may start, in this order: the symbol is known; trading in it is not halted; its
 * market is open; the limit price lies on the price tick and the amount on the lot; a fresh market price exists; the
 * limit lies within the band around it; the order is marketable now (a BUY's limit at or above the market, a SELL's at
 * or below); its notional at its bound is within the symbol's maximum. A market order (no `price`) is bounded by the
 * collar around the last price. A BUY reserves its bound × amount plus the fee; a SELL executes at once. Pure.
 * (Whether a seller holds enough is checked atomically when the holding is reserved.)
 */
export function decideOrder(order: Order, instrument: Instrument | undefined, market: MarketView, rules: OrderRules): OrderDecision {
  if (!instrument) return refuse('SYMBOL_NOT_FOUND', `unknown symbol ${order.symbol}`);
  if (market.halted) return refuse('MARKET_HALTED', `trading in ${order.symbol} is halted by the operator`);
  const { market: hours } = instrument;
  if (!rules.marketsAlwaysOpen && !isMarketOpen(hours, market.now)) {
    return refuse('MARKET_CLOSED', `the ${hours.name} market of ${order.symbol} is open ${hours.opens}–${hours.closes} UTC`);
  }
  const limit = order.price ?? null;
  if (limit !== null && !onGrid(limit, instrument.priceTick)) {
    return offGrid('price', 'PRICE_TICK', `price: must be a multiple of ${order.symbol}'s price tick ${instrument.priceTick}`);
  }
  if (!onGrid(order.amount, instrument.lotSize)) {
    return offGrid('amount', 'LOT_SIZE', `amount: must be a multiple of ${order.symbol}'s lot size ${instrument.lotSize}`);
  }
  const { quote } = market;
  if (!quote) return refuse('PRICE_UNAVAILABLE', `no market price for ${order.symbol} has arrived yet`);
  if (limit !== null && !withinBand(limit, quote.price, rules.bandPct)) {
    return refuse('PRICE_OUT_OF_BAND', `price ${limit} is more than ${rules.bandPct}% from the market price ${quote.price}`, { market_price: quote.price });
  }
  const priceBound = limit ?? collarPrice(order.type, quote.price, rules.collarBps, instrument.priceTick);
  const atBound = notional(priceBound, order.amount);
  if (new Decimal(atBound).gt(instrument.maxNotional)) {
    return refuse('ORDER_TOO_LARGE', `price × amount (${atBound}) is above ${order.symbol}'s maximum of ${instrument.maxNotional}`);
  }
  const now = decideExecution({ side: order.type, symbol: order.symbol, quantity: order.amount, priceBound }, market, rules);
  if (!now.ok) return refuse(now.code, now.message, now.marketPrice ? { market_price: now.marketPrice } : {});
  if (order.type === 'SELL') return { ok: true, limitPrice: limit, priceBound, reserved: null, execution: now.execution };
  return { ok: true, limitPrice: limit, priceBound, reserved: buyReservation(priceBound, order.amount, rules.feeBps), execution: null };
}

/** Open from `opens` through the last second of `closes`, in UTC: Crypto's 00:00:00–23:59:59 is the whole day. */
export function isMarketOpen(market: Market, now: Date): boolean {
  const time = now.toISOString().slice(11, 19);
  return market.opens <= time && time <= market.closes;
}

function refuse(code: ErrorCode, message: string, fields?: Record<string, string>): OrderDecision {
  return { ok: false, code, message, ...(fields ? { fields } : {}) };
}

function offGrid(field: string, rule: string, message: string): OrderDecision {
  return refuse('INVALID_AMOUNT', message, { field, rule });
}

import { type ErrorCode, notional, tradeFee, withinLimit } from '@trading/contracts';
import type { Execution, Quote, Side } from './domain.ts';

/**
 * The market as an order sees it: the quote Trade holds and its age on the wall clock (the market stamps its ticks
 * with real time, whatever Trade's business clock says), whether trading is halted, and the business clock's now.
 */
export type MarketView = { quote: Quote | undefined; quoteAgeMs: number; halted: boolean; now: Date };
/** The price rules of Trade's config. */
export type PriceRules = { feeBps: number; maxPriceAgeMs: number };

export type ExecutionDecision = { ok: true; execution: Execution } | { ok: false; code: ErrorCode; message: string; marketPrice?: string };

/**
 * Whether an order may execute now, and at what: at the latest tick, if it is fresh, trading is not halted, and the
 * tick lies within the order's bound (at or below it for a BUY, at or above for a SELL). Pure.
 */
export function decideExecution(
  order: { side: Side; symbol: string; quantity: string; priceBound: string },
  market: MarketView,
  rules: PriceRules,
): ExecutionDecision {
  if (market.halted) return { ok: false, code: 'MARKET_HALTED', message: `trading in ${order.symbol} is halted by the operator` };
  const { quote } = market;
  if (!quote || market.quoteAgeMs > rules.maxPriceAgeMs) {
    const age = quote ? `the last, ${quote.price} at ${quote.at.toISOString()}, is older than ${rules.maxPriceAgeMs} ms` : 'none has arrived';
    return { ok: false, code: 'PRICE_UNAVAILABLE', message: `no recent market price for ${order.symbol}: ${age}` };
  }
  if (!withinLimit(order.side, quote.price, order.priceBound)) {
    const bound = order.side === 'BUY' ? 'above' : 'below';
    return {
      ok: false,
      code: 'PRICE_NOT_MARKETABLE',
      message: `the market price of ${order.symbol}, ${quote.price}, is ${bound} the order's ${order.priceBound}`,
      marketPrice: quote.price,
    };
  }
  const total = notional(quote.price, order.quantity);
  return { ok: true, execution: { price: quote.price, notional: total, fee: tradeFee(total, rules.feeBps), tickSeq: quote.seq } };
}

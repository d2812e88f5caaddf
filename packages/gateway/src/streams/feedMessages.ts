import { type ErrorCode, errorCodes, type PriceTicked } from '@trading/contracts';
import { type Feed, feedNames } from './feedTopics.ts';

/** A symbol's price tick as a ticker subscriber reads it. `seq` is the market's, rising per symbol. */
export function tickerMessage(tick: Pick<PriceTicked, 'symbol' | 'price' | 'at' | 'seq'>) {
  return { type: 'TICKER', symbol: tick.symbol, price: tick.price, at: tick.at, seq: tick.seq };
}

/** A completed trade as the public trades feed shows it: what, at which price, how much and when; never whose. */
export function tradeMessage(trade: { symbol: string; price: string; quantity: string; at: string }) {
  return { type: 'TRADE', symbol: trade.symbol, price: trade.price, amount: trade.quantity, at: trade.at };
}

/**
 * Sent once before a subscription is ended by the gateway: which feed, and why (an error code: SLOW_CONSUMER, or why
 * an account's fresh snapshot could not be had after a lost broker connection).
 */
export function endedNotice(feed: Feed, code: ErrorCode) {
  return { type: 'UNSUBSCRIBED', ...feedNames(feed), code, message: errorCodes[code].message };
}

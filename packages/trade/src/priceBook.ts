import { type Bus, followTicks } from '@trading/bus';
import type { Logger } from '@trading/platform';
import type { MarketView } from './decideExecution.ts';
import type { Quote } from './domain.ts';

/**
 * The latest market price of each symbol, as this Trade instance last heard it. Every instance binds a private queue
 * to the `market` exchange (market.tick.*) and keeps, per symbol, the tick with the highest seq: ticks are data, so a
 * late or repeated one changes nothing, and no tick costs a database transaction. A restarted instance starts empty
 * and quotes again from the next tick (the market ticks every MARKET_TICK_INTERVAL_MS while a market is open).
 */
export type PriceBook = {
  /** The quote and its age on the wall clock, and whether trading is halted, for a decision at `now`. */
  view(symbol: string, halted: boolean, now: Date): MarketView;
  quote(symbol: string): Quote | undefined;
  /** Takes a tick; false if it is not newer than the one held. */
  take(tick: Quote): boolean;
};

export function createPriceBook(): PriceBook {
  const quotes = new Map<string, Quote>();
  return {
    view(symbol, halted, now) {
      const quote = quotes.get(symbol);
      return { quote, quoteAgeMs: quote ? Date.now() - quote.at.getTime() : Number.POSITIVE_INFINITY, halted, now };
    },
    quote: (symbol) => quotes.get(symbol),
    take(tick) {
      const held = quotes.get(tick.symbol);
      if (held && held.seq >= tick.seq) return false;
      quotes.set(tick.symbol, tick);
      return true;
    },
  };
}

/** Feeds the book from the market's ticks (followTicks: only the market's broker user may move a price). */
export async function followMarket(bus: Bus, book: PriceBook, logger: Logger): Promise<void> {
  let first = true;
  await followTicks(bus, ({ symbol, price, seq, at }) => {
    if (book.take({ symbol, price, seq, at: new Date(at) }) && first) {
      first = false;
      logger.info({ symbol, price, seq }, 'first market price received');
    }
  });
}

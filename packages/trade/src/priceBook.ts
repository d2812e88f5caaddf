import { type Bus, followTicks } from '@trading/bus';
import type { Logger } from '@trading/platform';
import type { MarketView } from './decideExecution.ts';
import type { Quote } from './domain.ts';

/**
 * The latest market price of each symbol, as this Trade instance last heard it. Every instance binds a private queue
 * to the `market` exchange (market.tick.*) and keeps, per symbol, the tick with the highest seq: ticks are data, so a
 * late or repeated one changes nothing, and no tick costs a database transaction. A restarted instance starts empty
 * and quotes again from the next tick (the market ticks every MARKET_TICK_INTERVAL_MS while a market is open):
 * it waits for those before it consumes its queue (warmUp).
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

/** The market publishes every open symbol's tick of a round together: the rest of the round follows the first this soon. */
const ROUND_SETTLE_MS = 250;

/**
 * Feeds the book from the market's ticks (followTicks: only the market's broker user may move a price). Resolves with
 * `warmUp(maxMs)`, which resolves once the market's first round of ticks is in the book, or after `maxMs` without one
 * (no market is running, or every market is closed): what a started instance waits for before it takes orders.
 */
export async function followMarket(bus: Bus, book: PriceBook, logger: Logger): Promise<{ warmUp(maxMs: number): Promise<void> }> {
  let firstTick: () => void = () => undefined;
  const firstRound = new Promise<void>((resolve) => {
    firstTick = () => setTimeout(resolve, ROUND_SETTLE_MS);
  });
  let first = true;
  await followTicks(bus, ({ symbol, price, seq, at }) => {
    if (book.take({ symbol, price, seq, at: new Date(at) }) && first) {
      first = false;
      logger.info({ symbol, price, seq }, 'first market price received');
      firstTick();
    }
  });
  return {
    async warmUp(maxMs) {
      if (maxMs === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'gave up'>((resolve) => {
        timer = setTimeout(() => resolve('gave up'), maxMs);
      });
      const outcome = await Promise.race([firstRound, gaveUp]);
      clearTimeout(timer);
      if (outcome === 'gave up') logger.warn({ waitedMs: maxMs }, 'no market price yet; taking orders (they are refused PRICE_UNAVAILABLE until one comes)');
    },
  };
}

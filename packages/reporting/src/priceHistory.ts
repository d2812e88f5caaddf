import type { PriceTicked } from '@trading/contracts';

/** A price line: its points as [tick time in ms since the epoch, price], oldest first. */
export type PriceLine = { symbol: string; points: [number, string][] };
export type PriceLines = { window_ms: number; lines: PriceLine[] };

export type PriceHistoryLimits = { windowMs: number; maxPoints: number };

/** Ten minutes of ticks per symbol, and at most 600 of them: at the market's default one tick a second, both. */
export const PRICE_HISTORY: PriceHistoryLimits = { windowMs: 10 * 60_000, maxPoints: 600 };

/**
 * The recent ticks of each symbol, in this process only: a restarted Reporting draws from the next tick on. A symbol
 * keeps the ticks within `windowMs` of its newest one, and at most `maxPoints`. A tick whose seq is not above the
 * symbol's newest (a late or repeated one), or whose time is before it, is left out: each line runs forward in time.
 */
export function createPriceHistory(limits: PriceHistoryLimits = PRICE_HISTORY) {
  const lines = new Map<string, { seq: number; points: [number, string][] }>();
  return {
    /** Keeps the tick; false if it is not newer than the symbol's newest. */
    take(tick: PriceTicked): boolean {
      const line = lines.get(tick.symbol) ?? { seq: 0, points: [] };
      const at = Date.parse(tick.at);
      if (tick.seq <= line.seq || at < (line.points.at(-1)?.[0] ?? at)) return false;
      line.seq = tick.seq;
      line.points.push([at, tick.price]);
      const tooOld = line.points.findIndex(([t]) => t >= at - limits.windowMs);
      line.points.splice(0, Math.max(tooOld, line.points.length - limits.maxPoints));
      lines.set(tick.symbol, line);
      return true;
    },
    /** Every symbol's line, by symbol. */
    lines(): PriceLines {
      const symbols = [...lines.keys()].sort();
      return { window_ms: limits.windowMs, lines: symbols.map((symbol) => ({ symbol, points: [...(lines.get(symbol)?.points ?? [])] })) };
    },
  };
}

export type PriceHistory = ReturnType<typeof createPriceHistory>;

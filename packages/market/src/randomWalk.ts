import { normalFrom } from './prng.ts';
import { onTick } from './onTick.ts';

export type WalkSettings = {
  seed: number;
  /** Annualised volatility σ (0.6: crypto-like). */
  volatility: number;
  /** Annualised drift μ. */
  drift: number;
  /** Time between two steps. */
  intervalMs: number;
};

const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;

/**
 * Geometric Brownian motion over many symbols, one seeded stream of normal draws for all:
 * S(t+dt) = S(t)·exp((μ − σ²/2)·dt + σ·√dt·Z), dt in years. `step` moves one symbol and returns its new price rounded
 * to `tick`; the float state stays in here. Deterministic: the same seed and the same calls give the same prices.
 */
export function createRandomWalk({ seed, volatility, drift, intervalMs }: WalkSettings, start: ReadonlyMap<string, string>) {
  const normal = normalFrom(seed);
  const dt = intervalMs / YEAR_MS;
  const driftTerm = (drift - (volatility * volatility) / 2) * dt;
  const shock = volatility * Math.sqrt(dt);
  const prices = new Map([...start].map(([symbol, price]) => [symbol, Number(price)]));
  return {
    step(symbol: string, tick: string): string {
      const current = prices.get(symbol);
      if (current === undefined) throw new Error(`no starting price for ${symbol}`);
      // The walk keeps its unrounded state (a small price would otherwise stick to its tick), floored at one tick.
      const next = Math.max(current * Math.exp(driftTerm + shock * normal()), Number(tick));
      prices.set(symbol, next);
      return onTick(next, tick);
    },
  };
}
export type RandomWalk = ReturnType<typeof createRandomWalk>;

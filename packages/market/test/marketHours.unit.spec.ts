import { expect } from 'chai';
import { type Instrument, isOpen } from '../src/index.ts';
import { simulatedSource } from '../src/simulatedSource.ts';
import type { PricePoint } from '../src/source.ts';

const instrument = (symbol: string, market: string, opens: string, closes: string): Instrument => ({
  symbol,
  market,
  opens,
  closes,
  referencePrice: '100',
  priceTick: '0.01',
});
const instruments = [instrument('AAPL', 'Stocks', '09:00:00', '16:00:00'), instrument('BTC', 'Crypto', '00:00:00', '23:59:59')];
const start = new Map(instruments.map((i) => [i.symbol, i.referencePrice]));

/** Runs the walk for a few steps at a fixed instant and returns the symbols that ticked. */
async function tickedAt(instant: string, alwaysOpen = false): Promise<Set<string>> {
  const now = new Date(instant);
  const source = simulatedSource({ seed: 1, volatility: 0.6, drift: 0, intervalMs: 10 }, instruments, start, (i) => alwaysOpen || isOpen(i, now));
  const seen: PricePoint[] = [];
  source.start((points) => seen.push(...points));
  await new Promise((resolve) => setTimeout(resolve, 80));
  source.stop();
  return new Set(seen.map((p) => p.symbol));
}

describe('market hours', () => {
  it('a stock ticks while its market is open, through the last second of closes_at', async () => {
    expect(await tickedAt('2026-01-05T10:00:00Z')).to.deep.equal(new Set(['AAPL', 'BTC']));
    expect(isOpen(instruments[0]!, new Date('2026-01-05T16:00:00.999Z'))).to.equal(true);
    expect(isOpen(instruments[0]!, new Date('2026-01-05T16:00:01Z'))).to.equal(false);
  });

  it('a closed market is silent while crypto goes on ticking', async () => {
    expect(await tickedAt('2026-01-05T20:00:00Z')).to.deep.equal(new Set(['BTC']));
  });

  it('MARKETS_ALWAYS_OPEN ticks every symbol at any hour', async () => {
    expect(await tickedAt('2026-01-05T20:00:00Z', true)).to.deep.equal(new Set(['AAPL', 'BTC']));
  });
});

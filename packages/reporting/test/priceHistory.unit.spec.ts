import type { PriceTicked } from '@trading/contracts';
import { expect } from 'chai';
import { createPriceHistory } from '../src/priceHistory.ts';

const T0 = Date.UTC(2026, 0, 1, 10);
const tick = (symbol: string, seq: number, second: number, price: string): PriceTicked => ({
  type: 'PriceTicked',
  symbol,
  price,
  seq,
  at: new Date(T0 + second * 1000).toISOString(),
});
const pointsOf = (history: ReturnType<typeof createPriceHistory>, symbol: string) => history.lines().lines.find((l) => l.symbol === symbol)?.points;

describe("the price history of the market's ticks", () => {
  it('keeps a line per symbol, by symbol, each point its tick time and price', () => {
    const history = createPriceHistory({ windowMs: 60_000, maxPoints: 10 });
    expect([history.take(tick('ETH', 1, 0, '3000')), history.take(tick('BTC', 7, 1, '60000.5')), history.take(tick('ETH', 2, 2, '3001.25'))]).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect(history.lines()).to.deep.equal({
      window_ms: 60_000,
      lines: [
        { symbol: 'BTC', points: [[T0 + 1000, '60000.5']] },
        {
          symbol: 'ETH',
          points: [
            [T0, '3000'],
            [T0 + 2000, '3001.25'],
          ],
        },
      ],
    });
  });

  it('leaves out a late or repeated tick (seq not above the newest) and one from before the newest', () => {
    const history = createPriceHistory({ windowMs: 60_000, maxPoints: 10 });
    history.take(tick('BTC', 5, 10, '1'));
    expect([history.take(tick('BTC', 5, 11, '2')), history.take(tick('BTC', 4, 12, '3')), history.take(tick('BTC', 6, 9, '4'))]).to.deep.equal([
      false,
      false,
      false,
    ]);
    expect(pointsOf(history, 'BTC')).to.deep.equal([[T0 + 10_000, '1']]);
  });

  it('keeps only the ticks within the window of the newest, and at most maxPoints', () => {
    const history = createPriceHistory({ windowMs: 10_000, maxPoints: 4 });
    for (let second = 0; second <= 20; second += 2) history.take(tick('BTC', second + 1, second, String(100 + second)));
    expect(pointsOf(history, 'BTC')).to.deep.equal([14, 16, 18, 20].map((s) => [T0 + s * 1000, String(100 + s)]));
    history.take(tick('BTC', 100, 40, '1'));
    expect(pointsOf(history, 'BTC'), 'after a gap longer than the window').to.deep.equal([[T0 + 40_000, '1']]);
  });
});

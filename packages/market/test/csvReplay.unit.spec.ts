import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { csvSource } from '../src/csvSource.ts';
import { type Instrument, parseCsvTicks } from '../src/index.ts';
import type { PricePoint } from '../src/source.ts';

const instrument = (symbol: string, priceTick: string, opens = '00:00:00'): Instrument => ({
  symbol,
  market: 'x',
  opens,
  closes: '23:59:59',
  referencePrice: '1',
  priceTick,
});
const instruments = [instrument('BTC', '0.01'), instrument('XRP', '0.0001'), instrument('ETH', '0.01'), instrument('AAPL', '0.01'), instrument('OIL', '0.01')];
const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
const file = 'at_offset_ms,symbol,price\n0,BTC,65000.00\n0,XRP,0.5200\n20,ETH,3400.5\n40,BTC,65001.01\n';

describe('the CSV replay', () => {
  it('emits the file’s ticks in file order, rows of one offset together, then loops', async () => {
    const batches: PricePoint[][] = [];
    const source = csvSource(parseCsvTicks(file, instruments), 30, bySymbol, () => true);
    source.start((points) => batches.push(points));
    await new Promise((resolve) => setTimeout(resolve, 100));
    source.stop();
    expect(batches.slice(0, 4)).to.deep.equal([
      [
        { symbol: 'BTC', price: '65000' },
        { symbol: 'XRP', price: '0.52' },
      ],
      [{ symbol: 'ETH', price: '3400.5' }],
      [{ symbol: 'BTC', price: '65001.01' }],
      [
        { symbol: 'BTC', price: '65000' },
        { symbol: 'XRP', price: '0.52' },
      ],
    ]);
  });

  it('skips the rows of a closed market', async () => {
    const closed = new Map(bySymbol).set('XRP', instrument('XRP', '0.0001', '23:59:59'));
    const batches: PricePoint[][] = [];
    const source = csvSource(parseCsvTicks(file, instruments), 1000, closed, (i) => i.opens === '00:00:00');
    source.start((points) => batches.push(points));
    await new Promise((resolve) => setTimeout(resolve, 60));
    source.stop();
    expect(batches.flat().map((p) => p.symbol)).to.deep.equal(['BTC', 'ETH', 'BTC']);
  });

  it('refuses a file with an unknown symbol, a price off its tick, or offsets going back, naming the line', () => {
    expect(() => parseCsvTicks('at_offset_ms,symbol,price\n0,DOGE,1\n', instruments)).to.throw(/line 2: unknown symbol DOGE/);
    expect(() => parseCsvTicks('at_offset_ms,symbol,price\n0,XRP,0.52001\n', instruments)).to.throw(/line 2: price/);
    expect(() => parseCsvTicks('at_offset_ms,symbol,price\n10,BTC,1\n5,BTC,1\n', instruments)).to.throw(/line 3: at_offset_ms/);
  });

  it('reads the shipped sample', () => {
    const sample = readFileSync(new URL('../data/ticks.csv', import.meta.url), 'utf8');
    expect(parseCsvTicks(sample, instruments).length).to.be.greaterThan(10);
  });
});

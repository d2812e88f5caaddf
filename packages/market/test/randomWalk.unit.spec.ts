import { expect } from 'chai';
import { createRandomWalk, normalFrom, onTick } from '../src/index.ts';

const start = new Map([
  ['BTC', '65000'],
  ['XRP', '0.52'],
]);
const walk = { volatility: 0.6, drift: 0, intervalMs: 1000 };
const prices = (seed: number, steps: number): string[] => {
  const w = createRandomWalk({ ...walk, seed }, start);
  return Array.from({ length: steps }, (_, i) => (i % 2 === 0 ? w.step('BTC', '0.01') : w.step('XRP', '0.0001')));
};

describe('the simulated market’s random walk', () => {
  it('gives the same prices for the same seed, and other prices for another seed', () => {
    expect(prices(42, 200)).to.deep.equal(prices(42, 200));
    expect(prices(42, 200)).to.not.deep.equal(prices(43, 200));
  });

  it('prices every step as a decimal string on the symbol’s tick', () => {
    for (const [i, price] of prices(7, 400).entries()) {
      expect(price).to.match(i % 2 === 0 ? /^\d+(\.\d{1,2})?$/ : /^\d+(\.\d{1,4})?$/);
    }
  });

  it('moves: a crypto-like volatility changes BTC within a few steps, by a plausible amount', () => {
    const btc = prices(1, 20)
      .filter((_, i) => i % 2 === 0)
      .map(Number);
    expect(new Set(btc).size).to.be.greaterThan(5);
    for (const price of btc) expect(Math.abs(price / 65000 - 1)).to.be.lessThan(0.01);
  });

  it('stays where it is without volatility or drift', () => {
    const still = createRandomWalk({ seed: 3, volatility: 0, drift: 0, intervalMs: 1000 }, start);
    expect([still.step('BTC', '0.01'), still.step('XRP', '0.0001')]).to.deep.equal(['65000', '0.52']);
  });

  it('draws standard normals: mean near 0, variance near 1', () => {
    const normal = normalFrom(99);
    const draws = Array.from({ length: 20_000 }, normal);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).to.be.lessThan(0.03);
    expect(Math.abs(variance - 1)).to.be.lessThan(0.05);
  });
});

describe('a price leaving the generator', () => {
  it('is rounded half-up to the tick', () => {
    expect(onTick(190.004999, '0.01')).to.equal('190');
    expect(onTick(190.005, '0.01')).to.equal('190.01');
    expect(onTick(0.52004, '0.0001')).to.equal('0.52');
    expect(onTick(0.52005, '0.0001')).to.equal('0.5201');
  });

  it('is never below one tick', () => {
    expect(onTick(0.000001, '0.01')).to.equal('0.01');
    expect(onTick(0, '0.0001')).to.equal('0.0001');
  });
});

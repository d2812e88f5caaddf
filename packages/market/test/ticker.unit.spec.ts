import { createLogger } from '@trading/platform';
import { expect } from 'chai';
import { createTicker } from '../src/ticker.ts';

const logger = createLogger('ticker-test', 'silent');
const clock = () => new Date('2026-12-02T12:00:00Z');

describe('the market’s ticker', () => {
  it('stores a tick whose publish was never confirmed, since the broker may have routed it to Trade before the connection died', async () => {
    let calls = 0;
    const bus = {
      publish: async () => {
        calls += 1;
        if (calls === 2) throw new Error('connection closed before the confirm');
      },
    };
    const ticker = createTicker({ bus, logger, clock, resumeFrom: new Map([['BTC', { seq: 7, price: '65000' }]]) });
    ticker.accept([{ symbol: 'BTC', price: '65001' }]);
    ticker.accept([{ symbol: 'BTC', price: '65002' }]);
    ticker.accept([{ symbol: 'BTC', price: '65003' }]);
    const stored = await ticker.drain(true);
    expect(stored.map((t) => [t.seq, t.price])).to.have.deep.members([
      [1008, '65001'],
      [1009, '65002'],
      [1010, '65003'],
    ]);
  });

  it('keeps a failed flush’s ticks for the next one, first', async () => {
    const ticker = createTicker({ bus: { publish: async () => undefined }, logger, clock, resumeFrom: new Map() });
    ticker.accept([{ symbol: 'ETH', price: '3000' }]);
    const first = await ticker.drain(true);
    ticker.accept([{ symbol: 'ETH', price: '3001' }]);
    ticker.requeue(first);
    expect((await ticker.drain(true)).map((t) => t.seq)).to.deep.equal([1, 2]);
  });
});

import type { PriceTicked } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { expect } from 'chai';
import { createTicker } from '../src/ticker.ts';
import type { LatestTick } from '../src/tickStore.ts';

const logger = createLogger('ticker-test', 'silent');
const clock = () => new Date('2026-12-02T12:00:00Z');
const seqs = (ticks: readonly PriceTicked[]) => ticks.map((t) => `${t.symbol}:${t.seq}`);

/** A ticker whose store and bus record what they were given, in the order they were called. */
function recorded(options: { storeFails?: (round: number) => boolean; publishFails?: boolean; stored?: Map<string, LatestTick> } = {}) {
  const steps: string[] = [];
  let rounds = 0;
  const ticker = createTicker({
    logger,
    clock,
    resumeFrom: new Map([['BTC', { seq: 7, price: '65000' }]]),
    reload: async () => options.stored ?? new Map(),
    store: async (ticks) => {
      rounds += 1;
      if (options.storeFails?.(rounds)) throw new Error('duplicate key value violates unique constraint');
      steps.push(`store ${seqs(ticks).join(' ')}`);
    },
    bus: {
      publish: async ({ body }) => {
        steps.push(`publish ${seqs([body as PriceTicked]).join('')}`);
        if (options.publishFails) throw new Error('connection closed before the confirm');
      },
    },
  });
  return { ticker, steps };
}

describe('the market’s ticker', () => {
  it('stores each round before it publishes it, going on from the latest stored seq', async () => {
    const { ticker, steps } = recorded();
    ticker.accept([
      { symbol: 'BTC', price: '65001' },
      { symbol: 'ETH', price: '3000' },
    ]);
    await ticker.settled();
    ticker.accept([{ symbol: 'BTC', price: '65002' }]);
    await ticker.settled();
    expect(steps).to.deep.equal(['store BTC:8 ETH:1', 'publish BTC:8', 'publish ETH:1', 'store BTC:9', 'publish BTC:9']);
  });

  it('publishes nothing of a round the database refused, and goes on from the seqs stored by then', async () => {
    const { ticker, steps } = recorded({ storeFails: (round) => round === 1, stored: new Map([['BTC', { seq: 12, price: '1' }]]) });
    ticker.accept([{ symbol: 'BTC', price: '65001' }]);
    await ticker.settled();
    ticker.accept([{ symbol: 'BTC', price: '65002' }]);
    await ticker.settled();
    expect(steps).to.deep.equal(['store BTC:13', 'publish BTC:13']);
  });

  it('skips a round that comes while the previous one is in hand (a price feed conflates)', async () => {
    const { ticker, steps } = recorded();
    ticker.accept([{ symbol: 'BTC', price: '65001' }]);
    ticker.accept([{ symbol: 'BTC', price: '65002' }]);
    await ticker.settled();
    expect(steps).to.deep.equal(['store BTC:8', 'publish BTC:8']);
  });

  it('a tick whose confirm was lost is stored all the same, and the next round goes on', async () => {
    const { ticker, steps } = recorded({ publishFails: true });
    ticker.accept([{ symbol: 'BTC', price: '65001' }]);
    await ticker.settled();
    ticker.accept([{ symbol: 'BTC', price: '65002' }]);
    await ticker.settled();
    expect(steps).to.deep.equal(['store BTC:8', 'publish BTC:8', 'store BTC:9', 'publish BTC:9']);
  });
});

import type { Database } from '@trading/db';
import { expect } from 'chai';
import { MAX_UNFLUSHED_PER_SYMBOL } from '../src/ticker.ts';
import { flushTicks, latestTicks } from '../src/tickStore.ts';
import { listenToTicks, seqsBySymbol, strictlyRising } from './support/tickListener.ts';
import { database, runTerm, walk } from './support/term.ts';

describe('the market’s leader, storing its ticks', () => {
  let db: Database;
  before(() => {
    db = database();
  });
  beforeEach(() => db.$executeRawUnsafe('TRUNCATE market.tick'));
  after(() => db.$disconnect());

  it('stores the ticks of a flush interval in one transaction, never one per tick', async function () {
    this.timeout(15_000);
    const listener = await listenToTicks();
    await runTerm(db, walk(20), 1000, 250);
    await listener.close();
    const [stored] = await db.$queryRawUnsafe<{ ticks: number; transactions: number }[]>(
      // Rows inserted by one transaction share its xmin.
      'SELECT count(*)::int AS ticks, count(DISTINCT xmin::text)::int AS transactions FROM market.tick',
    );
    expect(stored!.ticks).to.be.greaterThan(12 * 30);
    expect(stored!.transactions).to.be.within(3, 6);
    expect(stored!.ticks).to.equal(listener.ticks.length);
  });

  it('publishes every tick on market.tick.<SYMBOL> with seq rising per symbol, on the tick grid', async function () {
    this.timeout(15_000);
    const listener = await listenToTicks();
    await runTerm(db, walk(50), 400, 100);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await listener.close();
    const bySymbol = seqsBySymbol(listener.ticks);
    expect(bySymbol.size).to.equal(12);
    for (const seqs of bySymbol.values()) expect(strictlyRising(seqs)).to.equal(true);
    const xrp = listener.ticks.filter((t) => t.symbol === 'XRP');
    for (const tick of xrp) expect(tick.price).to.match(/^\d+(\.\d{1,4})?$/);
  });

  it('a restarted leader resumes each symbol from its latest stored price and seq', async function () {
    this.timeout(20_000);
    await runTerm(db, walk(20), 500, 100);
    const before = await latestTicks(db);
    expect(before.get('BTC')!.price).to.not.equal('65000');
    const [highest] = await db.$queryRawUnsafe<{ seq: number }[]>("SELECT max(seq)::int AS seq FROM market.tick WHERE symbol = 'BTC'");
    expect(before.get('BTC')!.seq).to.equal(highest!.seq).and.to.be.greaterThan(10);
    const listener = await listenToTicks();
    // Without volatility the walk stays where it starts: the first price after the restart is the stored one.
    await runTerm(db, walk(20, 0), 300, 100);
    await listener.close();
    for (const [symbol, latest] of before) {
      const first = listener.ticks.find((t) => t.symbol === symbol)!;
      expect(first.price, symbol).to.equal(latest.price);
      expect(first.seq, symbol).to.equal(latest.seq + MAX_UNFLUSHED_PER_SYMBOL + 1);
    }
  });

  it('prunes ticks older than the retention in the same flush, keeping each symbol’s latest', async () => {
    const tick = (symbol: string, seq: number, at: string) => ({ type: 'PriceTicked' as const, symbol, seq, price: '1', at });
    await flushTicks(
      db,
      [tick('BTC', 1, '2026-01-01T00:00:00Z'), tick('BTC', 2, '2026-01-01T00:00:01Z'), tick('OIL', 1, '2026-01-01T00:00:00Z')],
      new Date('2025-01-01'),
    );
    await flushTicks(db, [tick('BTC', 3, '2026-01-02T00:00:00Z')], new Date('2026-01-01T12:00:00Z'));
    const rows = await db.$queryRawUnsafe<{ symbol: string; seq: string }[]>('SELECT symbol, seq::text FROM market.tick ORDER BY symbol, seq');
    expect(rows).to.deep.equal([
      { symbol: 'BTC', seq: '3' },
      { symbol: 'OIL', seq: '1' },
    ]);
  });
});

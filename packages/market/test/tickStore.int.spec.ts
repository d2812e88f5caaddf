import type { Database } from '@trading/db';
import { expect } from 'chai';
import { latestTicks, pruneTicks, storeTicks } from '../src/tickStore.ts';
import { listenToTicks, seqsBySymbol, strictlyRising } from './support/tickListener.ts';
import { database, runTerm, walk } from './support/term.ts';

describe('the market’s leader, storing its ticks', () => {
  let db: Database;
  before(() => {
    db = database();
  });
  beforeEach(() => db.$executeRawUnsafe('TRUNCATE market.tick'));
  after(() => db.$disconnect());

  it('stores every tick it publishes, each round of the walk in one transaction', async function () {
    this.timeout(15_000);
    const listener = await listenToTicks();
    await runTerm(db, walk(50), 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await listener.close();
    const [stored] = await db.$queryRawUnsafe<{ ticks: number; transactions: number; rounds: number }[]>(
      // Rows inserted by one transaction share its xmin; the ticks of one round share their time.
      'SELECT count(*)::int AS ticks, count(DISTINCT xmin::text)::int AS transactions, count(DISTINCT at)::int AS rounds FROM market.tick',
    );
    expect(stored!.ticks).to.be.greaterThan(12 * 10);
    expect(stored!.transactions).to.equal(stored!.rounds);
    expect(stored!.ticks).to.equal(listener.ticks.length);
  });

  it('publishes every tick on market.tick.<SYMBOL> with seq rising per symbol, on the tick grid', async function () {
    this.timeout(15_000);
    const listener = await listenToTicks();
    await runTerm(db, walk(50), 400);
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
    await runTerm(db, walk(20), 500);
    const before = await latestTicks(db);
    expect(before.get('BTC')!.price).to.not.equal('65000');
    const [highest] = await db.$queryRawUnsafe<{ seq: number }[]>("SELECT max(seq)::int AS seq FROM market.tick WHERE symbol = 'BTC'");
    expect(before.get('BTC')!.seq).to.equal(highest!.seq).and.to.be.greaterThan(10);
    const listener = await listenToTicks();
    // Without volatility the walk stays where it starts: the first price after the restart is the stored one.
    await runTerm(db, walk(20, 0), 300);
    await listener.close();
    for (const [symbol, latest] of before) {
      const first = listener.ticks.find((t) => t.symbol === symbol)!;
      expect(first.price, symbol).to.equal(latest.price);
      expect(first.seq, symbol).to.equal(latest.seq + 1);
    }
  });

  it('prunes ticks older than the retention, keeping each symbol’s latest', async () => {
    const tick = (symbol: string, seq: number, at: string) => ({ type: 'PriceTicked' as const, symbol, seq, price: '1', at });
    await storeTicks(db, [tick('BTC', 1, '2026-01-01T00:00:00Z'), tick('BTC', 2, '2026-01-01T00:00:01Z'), tick('OIL', 1, '2026-01-01T00:00:00Z')]);
    await storeTicks(db, [tick('BTC', 3, '2026-01-02T00:00:00Z')]);
    await pruneTicks(db, new Date('2026-01-01T12:00:00Z'));
    const rows = await db.$queryRawUnsafe<{ symbol: string; seq: string }[]>('SELECT symbol, seq::text FROM market.tick ORDER BY symbol, seq');
    expect(rows).to.deep.equal([
      { symbol: 'BTC', seq: '3' },
      { symbol: 'OIL', seq: '1' },
    ]);
  });

  it('refuses a round holding a seq already stored (a deposed leader’s), storing none of it', async () => {
    const tick = (symbol: string, seq: number) => ({ type: 'PriceTicked' as const, symbol, seq, price: '1', at: '2026-01-01T00:00:00Z' });
    await storeTicks(db, [tick('BTC', 5)]);
    let refused = false;
    await storeTicks(db, [tick('ETH', 1), tick('BTC', 5)]).catch(() => {
      refused = true;
    });
    expect(refused).to.equal(true);
    expect((await latestTicks(db)).has('ETH')).to.equal(false);
  });
});

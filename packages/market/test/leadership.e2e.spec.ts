import type { Database } from '@trading/db';
import { ServiceProcess, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { latestTicks } from '../src/tickStore.ts';
import { listenToTicks, seqsBySymbol, skipped, strictlyRising, unstored } from './support/tickListener.ts';
import { database } from './support/term.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two market instances', () => {
  let db: Database;
  const instances: ServiceProcess[] = [];
  const market = () => {
    const { amqpUrl, databaseUrl, runId } = testEnv();
    const instance = new ServiceProcess(
      'market',
      {
        AMQP_URL: amqpUrl,
        DATABASE_URL: databaseUrl,
        MARKETS_ALWAYS_OPEN: 'true',
        MARKET_SEED: '7',
        MARKET_TICK_INTERVAL_MS: '100',
        MARKET_LEADER_RETRY_MS: '200',
      },
      runId,
    );
    instances.push(instance);
    return instance;
  };
  before(() => {
    db = database();
  });
  beforeEach(() => db.$executeRawUnsafe('TRUNCATE market.tick'));
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.kill()));
  });
  after(() => db.$disconnect());

  it('publish from one source only; when the leader is killed the other takes over with seq rising, every tick seen being stored', async function () {
    this.timeout(60_000);
    const listener = await listenToTicks();
    const first = market();
    await first.start();
    await waitFor(() => listener.ticks.length > 0 || undefined);
    const second = market();
    await second.start();
    await sleep(1500);
    // One source: every symbol's seqs arrive once each, in order; two publishers would repeat them.
    const whileBoth = listener.ticks.length;
    for (const [symbol, seqs] of seqsBySymbol(listener.ticks)) {
      expect(strictlyRising(seqs), symbol).to.equal(true);
      expect(seqs.at(-1)! - seqs[0]! + 1, symbol).to.equal(seqs.length);
    }

    await first.kill();
    const killedAt = listener.ticks.length;
    await waitFor(() => listener.ticks.length > killedAt + 24 || undefined, 15_000);
    expect(await second.stop()).to.equal(0);
    await sleep(200);
    await listener.close();
    expect(whileBoth).to.be.greaterThan(12 * 10);
    // The killed leader's ticks included: every tick anyone saw (and Trade may have priced at) is on record.
    expect(await unstored(db, listener.ticks)).to.deep.equal([]);
    for (const [symbol, seqs] of seqsBySymbol(listener.ticks)) {
      expect(strictlyRising(seqs), symbol).to.equal(true);
      // The new leader goes on from the latest stored seq; the killed one may have stored a round it never published.
      expect(skipped(seqs), symbol).to.satisfy((steps: number[]) => steps.length <= 1 && steps.every((step) => step === 2));
    }
    const latest = await latestTicks(db);
    expect(latest.size).to.equal(12);
    for (const [symbol, seqs] of seqsBySymbol(listener.ticks)) expect(latest.get(symbol)!.seq, symbol).to.equal(seqs.at(-1));
  });

  it('a leader whose lock connection is cut stops publishing, and one leader goes on with seq rising', async function () {
    this.timeout(60_000);
    await Promise.all([market().start(), market().start()]);
    const listener = await listenToTicks();
    await waitFor(() => listener.ticks.length > 24 || undefined);
    const [cut] = await db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(pg_terminate_backend(l.pid))::int AS n FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(cut!.n).to.equal(1);
    const cutAt = listener.ticks.length;
    await waitFor(() => listener.ticks.length > cutAt + 36 || undefined, 15_000);
    await listener.close();
    expect(await unstored(db, listener.ticks)).to.deep.equal([]);
    for (const [symbol, seqs] of seqsBySymbol(listener.ticks)) {
      expect(strictlyRising(seqs), symbol).to.equal(true);
      expect(skipped(seqs), symbol).to.satisfy((steps: number[]) => steps.length <= 1 && steps.every((step) => step === 2));
    }
  });
});

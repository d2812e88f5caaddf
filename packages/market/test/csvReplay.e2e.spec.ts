import { mkdirSync, writeFileSync } from 'node:fs';
import { ServiceProcess, testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { listenToTicks } from './support/tickListener.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('the market replaying a CSV file', () => {
  const started: ServiceProcess[] = [];
  const market = (file: string) => {
    const { amqpUrl, databaseUrl, runId } = testEnv();
    const env = {
      AMQP_URL: amqpUrl,
      DATABASE_URL: databaseUrl,
      MARKETS_ALWAYS_OPEN: 'true',
      MARKET_SOURCE: 'csv',
      MARKET_CSV_FILE: file,
      MARKET_LEADER_RETRY_MS: '200',
    };
    const instance = new ServiceProcess('market', env, runId);
    started.push(instance);
    return instance;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
  });

  it('publishes the shipped sample’s ticks in file order', async function () {
    this.timeout(30_000);
    const listener = await listenToTicks();
    await market(`${ROOT}packages/market/data/ticks.csv`).start();
    await waitFor(() => listener.ticks.length >= 6 || undefined);
    await listener.close();
    expect(listener.ticks.slice(0, 6).map((t) => [t.symbol, t.price])).to.deep.equal([
      ['BTC', '65000'],
      ['ETH', '3400'],
      ['XRP', '0.52'],
      ['BTC', '65012.5'],
      ['ETH', '3401.25'],
      ['XRP', '0.5203'],
    ]);
  });

  it('refuses to start with a file it cannot replay, naming the line', async function () {
    this.timeout(30_000);
    mkdirSync(`${ROOT}.tmp`, { recursive: true });
    const file = `${ROOT}.tmp/market-bad-${testEnv().runId}.csv`;
    writeFileSync(file, 'at_offset_ms,symbol,price\n0,BTC,65000\n0,DOGE,1\n');
    const failure = await market(file)
      .start()
      .then(
        () => undefined,
        (err: Error) => err.message,
      );
    expect(failure).to.match(/MARKET_CSV_FILE .*line 3: unknown symbol DOGE/);
  });
});

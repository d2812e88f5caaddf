import { createLogger } from '@trading/platform';
import { type Stack, startStack, TEST_ADMIN_API_KEY, testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { measureFanOut } from '../src/fanOut.ts';
import { runHotAccount } from '../src/hotAccount.ts';
import { holdIdleConnections } from '../src/idleConnections.ts';
import { runBench } from '../src/runBench.ts';

async function autovacuumIsOff(): Promise<boolean> {
  const client = new pg.Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum === 'off';
  } finally {
    await client.end();
  }
}

describe('the bench on a tiny load', () => {
  let stack: Stack;

  before(async function () {
    this.timeout(90_000);
    // As `npm start` runs it: the real market service, whose prices move every second.
    // Reporting with its shipped query quota (test stacks lift it), which the query flood meets.
    stack = await startStack(['gateway', 'payment', 'trade', 'market', 'reporting'], {
      MARKETS_ALWAYS_OPEN: 'true',
      MARKET_TICK_INTERVAL_MS: '1000',
      REPORTING_QUERY_RATE: '10',
      REPORTING_QUERY_BURST: '20',
    });
  });
  after(async function () {
    this.timeout(30_000);
    await stack?.stop();
  });

  it('runs BUY and SELL market orders at a rate and flat out, measures the baselines, and sums up as one JSON object without errors', async function () {
    this.timeout(90_000);
    const lines: string[] = [];
    const summary = await runBench({
      gatewayUrl: stack.gatewayUrl,
      apiKey: TEST_ADMIN_API_KEY,
      connections: 2,
      users: 3,
      rates: [10, 'max'],
      warmupS: 0.2,
      durationS: 1,
      depth: 2,
      mix: 'both',
      symbols: ['BTC', 'ETH'],
      quantity: '0.01',
      replyTimeoutMs: 10_000,
      databaseUrl: testEnv().databaseUrl,
      baselines: { amqpUrl: testEnv().amqpUrl, databaseUrl: testEnv().databaseUrl, prefetch: 50, poolMax: 4, messages: 200, transactions: 100 },
      logger: createLogger('bench-test', 'silent'),
      progress: (line) => lines.push(line),
    });
    const json = JSON.parse(JSON.stringify(summary));
    for (const key of ['sagas_per_s', 'p50_ms', 'p95_ms', 'p99_ms', 'broker_msgs_per_s', 'pg_tx_per_s', 'baseline_sagas_per_s', 'ratio_to_baseline']) {
      expect(json[key], key).to.be.a('number');
    }
    expect(json.errors, JSON.stringify(json.steps.map((s: { errors_by_code: unknown }) => s.errors_by_code))).to.equal(0);
    expect(
      lines.some((line) => /market orders at the market's prices, now BTC [\d.]+, ETH [\d.]+/.test(line)),
      'the quotes it waited for',
    ).to.equal(true);
    expect(json.completed).to.be.greaterThan(0);
    expect(json.transactions_per_saga, 'commits per saga, counted in pg_stat_database').to.be.greaterThan(0);
    expect(json.wal_bytes_per_saga, 'WAL written per saga').to.be.greaterThan(0);
    const cpu = json.steps.at(-1).cpu_ms_per_saga;
    expect(cpu, 'CPU per saga, by the processes it saw on this machine').to.include.keys('broker', 'database', 'gateway', 'trade', 'payment', 'bench');
    expect(cpu.total).to.be.greaterThan(0);
    expect(
      lines.some((line) => /CPU [\d.]+ ms\/saga/.test(line)),
      'the step’s CPU line',
    ).to.equal(true);
    const switches = json.steps.at(-1).switches_per_saga;
    expect(switches, 'context switches per saga, by the processes it saw on this machine').to.include.keys('broker', 'database', 'trade', 'payment');
    expect(switches.total).to.be.greaterThan(0);
    expect(
      lines.some((line) => /context switches \d+ per saga/.test(line)),
      'the step’s context switch line',
    ).to.equal(true);
    expect(json.steps.map((s: { target: unknown }) => s.target)).to.deep.equal([10, 'max']);
    expect(lines.some((line) => line.includes('flat out'))).to.equal(true);
    const vacuumed = lines.filter((line) => line.includes('vacuumed before the step')).length;
    expect(vacuumed, 'a vacuum before each step exactly when the server runs without autovacuum').to.equal((await autovacuumIsOff()) ? 2 : 0);
  });

  it('runs the same rate without and with a query flood, and gives the throughput and ingestion ratios and the table sizes', async function () {
    this.timeout(90_000);
    const lines: string[] = [];
    const summary = await runBench({
      gatewayUrl: stack.gatewayUrl,
      apiKey: TEST_ADMIN_API_KEY,
      connections: 2,
      users: 3,
      rates: [10],
      warmupS: 0.2,
      durationS: 1,
      depth: 2,
      mix: 'both',
      symbols: ['BTC'],
      quantity: '0.01',
      replyTimeoutMs: 10_000,
      databaseUrl: testEnv().databaseUrl,
      flood: { reportingUrl: stack.reportingUrl, sockets: 1, depth: 4, httpClients: 2 },
      logger: createLogger('bench-test', 'silent'),
      progress: (line) => lines.push(line),
    });
    const flood = summary.query_flood!;
    expect(flood.quiet.sagas_per_s).to.be.greaterThan(0);
    expect(flood.throughput_ratio).to.be.a('number');
    expect(flood.ingestion_ratio).to.be.a('number');
    expect(flood.flood.reports.OK, 'REPORTs answered within the quota').to.be.greaterThan(0);
    expect(flood.flood.reports.RATE_LIMITED, 'REPORTs past the quota refused at once').to.be.greaterThan(0);
    expect(Object.keys(flood.flood.http)).to.include('429');
    expect(summary.table_bytes).to.have.keys('payment.inbox', 'payment.outbox', 'trade.inbox', 'trade.outbox', 'trade.saga_waiter');
    expect(lines.some((line) => line.includes('under the flood'))).to.equal(true);
  });

  it('measures one hot account against many, for DEPOSIT and BUY, and the others’ latency beside it, without errors', async function () {
    this.timeout(120_000);
    const lines: string[] = [];
    const result = await runHotAccount({
      gatewayUrl: stack.gatewayUrl,
      apiKey: TEST_ADMIN_API_KEY,
      replyTimeoutMs: 10_000,
      warmupS: 0.2,
      // Long enough for a BUY to complete inside each step on a busy machine.
      durationS: 2,
      accounts: 4,
      inFlight: 8,
      othersRate: 20,
      hotRate: 20,
      symbol: 'BTC',
      quantity: '0.0001',
      progress: (line) => lines.push(line),
    });
    for (const step of [result.deposit.many, result.deposit.hot, result.buy.many, result.buy.hot]) {
      expect(step.per_s).to.be.greaterThan(0);
      expect(step.errors).to.equal(0);
    }
    expect(result.deposit.ratio).to.be.a('number');
    expect(result.others.quiet.count, 'the others’ replies measured').to.be.greaterThan(0);
    expect(result.others.p99_ratio).to.be.a('number');
    expect(result.others.p99_ratio_to_spread).to.be.a('number');
    expect(lines.some((line) => line.startsWith('• hot/many'))).to.equal(true);
  });

  it('holds idle connections and reads the gateway’s resident memory', async function () {
    this.timeout(30_000);
    const gatewayPid = stack.services.gateway[0]!.pid!;
    const result = await holdIdleConnections({
      url: stack.gatewayUrl,
      apiKey: TEST_ADMIN_API_KEY,
      gatewayPid,
      count: 50,
      holdS: 0.2,
      progress: () => undefined,
    });
    expect(result).to.include({ idle_connections: 50, gateway_pid: gatewayPid, errors: 0 });
    expect(result.gateway_rss_mb).to.be.greaterThan(0);
  });

  it('measures the live ticker’s fan-out: deliveries per second to many subscribers and the gateway’s CPU for them', async function () {
    this.timeout(30_000);
    const result = await measureFanOut({
      url: stack.gatewayUrl,
      apiKey: TEST_ADMIN_API_KEY,
      gatewayPid: stack.services.gateway[0]!.pid!,
      subscribers: 20,
      symbols: ['BTC', 'ETH'],
      warmupS: 0.5,
      durationS: 2.5,
      progress: () => undefined,
    });
    expect(result).to.include({ subscribers: 20, errors: 0 });
    // The market ticks each symbol once a second: every subscriber gets about two ticks a second.
    expect(result.ticks_in_per_s).to.be.within(1, 4);
    expect(result.deliveries_per_s).to.be.within(20 * result.ticks_in_per_s * 0.5, 20 * result.ticks_in_per_s * 2);
    expect(result.gateway_cpu_pct).to.be.at.least(0);
  });
});

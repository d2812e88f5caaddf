import { Decimal } from '@trading/contracts';
import { databaseOwners } from '@trading/platform';
import { createTestEnv, destroyTestEnv, type Stack, startStack, type TestEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { summarize, waitForInvariants } from '../src/index.ts';

/** Every schema of a database but PostgreSQL's own and an empty `public`: with a database per service, its service's only. */
async function schemasOf(url: string): Promise<{ schemas: string[]; inPublic: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') ORDER BY 1`,
    );
    const [inPublic] = (
      await client.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)
               + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
               + (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace))::int AS n`,
      )
    ).rows;
    return { schemas: rows.map((r) => r.nspname), inPublic: inPublic!.n };
  } finally {
    await client.end();
  }
}

async function count(url: string, sql: string, values: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(sql, values)).rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** A service's runtime role on another service's database: it may log in (PUBLIC's CONNECT) but reads nothing there. */
async function asRole(url: string, role: string, sql: string): Promise<string> {
  const target = new URL(url);
  target.username = role;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(sql);
    return 'allowed';
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  } finally {
    await client.end();
  }
}

describe('the whole stack on a database per service (PAYMENT_, TRADE_, REPORTING_ and MARKET_DATABASE_URL)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let stack: Stack;
  let operator: TradingClient;
  let userId: string;

  before(async function () {
    this.timeout(240_000);
    env = await createTestEnv({ databases: 'split' });
    stack = await startStack(
      ['market'],
      {
        MARKETS_ALWAYS_OPEN: 'true',
        MARKET_TICK_INTERVAL_MS: '100',
        MARKET_FLUSH_INTERVAL_MS: '200',
        MARKET_SEED: '27',
        PRICE_WARMUP_MS: '1000',
        TRADE_FEE_BPS: '10',
      },
      {},
      env,
    );
    // One after another: five services compiling at once on a loaded machine can outlast a service's 30 s start.
    for (const name of ['payment', 'trade', 'reporting', 'gateway'] as const) await stack.addInstance(name);
    operator = await TradingClient.connect(stack.gatewayUrl);
  });
  after(async function () {
    this.timeout(60_000);
    await operator?.close();
    await stack?.stop();
    if (env && !process.env.TEST_KEEP_ENV) await destroyTestEnv(env);
  });

  it("creates four databases, each holding its own service's schema and nothing of another's", async () => {
    expect(new Set(Object.values(env.databaseUrls)).size).to.equal(4);
    for (const service of databaseOwners) {
      expect(await schemasOf(env.databaseUrls[service]), service).to.deep.equal({ schemas: [service], inPublic: 0 });
    }
  });

  it('takes a DEPOSIT, a BUY and a SELL through the gateway, each service writing its own database only', async () => {
    const added = await operator.request({ type: 'ADD_USER' });
    userId = String(added.user_id);
    expect(await operator.request({ type: 'DEPOSIT', user_id: userId, amount: '100000' })).to.include({ status: 'OK' });
    // Market orders: Trade prices them from the ticks the market service publishes (and stores in its own database).
    const buy = await waitFor(async () => {
      const reply = await operator.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '3' });
      return reply.status === 'OK' ? reply : reply.code === 'PRICE_UNAVAILABLE' ? undefined : reply;
    }, 20_000);
    expect(buy).to.include({ status: 'OK' });
    const sell = await operator.request({ type: 'SELL', user_id: userId, symbol: 'AAPL', amount: '1' });
    expect(sell).to.include({ status: 'OK' });

    const byUser = [userId];
    expect(await count(env.databaseUrls.payment, 'SELECT count(*)::int AS n FROM payment.ledger WHERE user_id = $1', byUser)).to.be.greaterThan(2);
    expect(await count(env.databaseUrls.trade, 'SELECT count(*)::int AS n FROM trade.trade WHERE user_id = $1', byUser)).to.equal(2);
    expect(await count(env.databaseUrls.market, 'SELECT count(*)::int AS n FROM market.tick WHERE symbol = $1', ['AAPL'])).to.be.greaterThan(0);
    const notional = new Decimal(String(buy.notional)).add(String(buy.fee));
    expect(new Decimal(String(buy.notional)).isPositive(), 'the BUY was priced').to.equal(true);
    expect(notional.isPositive()).to.equal(true);
  });

  it("shows Reporting's figures of the user, projected from the events into Reporting's own database", async () => {
    const report = await waitFor(async () => {
      const reply = await operator.request({ type: 'REPORT', user_id: userId });
      const figures = (reply as typeof reply & { report?: { trades: number; deposits: { count: number; amount: string } } }).report;
      return figures?.trades === 2 ? figures : undefined;
    }, 20_000);
    expect(report.deposits).to.deep.equal({ count: 1, amount: '100000' });
    expect(await count(env.databaseUrls.reporting, 'SELECT count(*)::int AS n FROM reporting.event WHERE user_id = $1', [userId])).to.be.greaterThan(5);
  });

  it('passes every invariant, conservation included, with one connection per database', async () => {
    const report = await waitForInvariants(env.databaseUrls, { users: [userId], settleMs: 30_000 });
    expect(report.ok, summarize(report)).to.equal(true);
    expect(report.checks.map((c) => c.name)).to.include.members([
      'cash-conserved',
      'assets-conserved',
      'saga-money-once',
      'events-stored-once',
      'trade-at-a-tick',
    ]);
    expect(report.totals).to.include({ users: 1, trades: 2, sagasCompleted: 2 });
    const everyone = await waitForInvariants(env.databaseUrls, { settleMs: 30_000 });
    expect(everyone.ok, summarize(everyone)).to.equal(true);
  });

  it("refuses a service's runtime role the other services' databases", async () => {
    expect(await asRole(env.databaseUrls.trade, 'trading_payment', 'SELECT count(*) FROM trade.saga')).to.equal('42501');
    expect(await asRole(env.databaseUrls.payment, 'trading_trade', 'SELECT count(*) FROM payment.account')).to.equal('42501');
    expect(await asRole(env.databaseUrls.payment, 'trading_payment', 'SELECT count(*) FROM payment.account')).to.equal('allowed');
  });
});

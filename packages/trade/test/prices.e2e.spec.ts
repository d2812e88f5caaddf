import { HOUSE_USER_ID } from '@trading/contracts';
import type { PrismaClient } from '@trading/db';
import { closeTestMarket, publishPrices, type Stack, setPrices, startStack, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { testDatabase } from './support/tradeDatabase.ts';
import { balanceOf, expectError, fundedUser, holdingsOf } from './support/tradingUser.ts';

/**
 * Stories of prices from the market: orders meet the market's last tick, a BUY's or SELL's `price` is a limit, the
 * house takes the other side and a fee of 10 bps, and the checks that keep a client from making money out of nothing.
 * The test plays the market (setPrices), so every price an order meets is one the story chose.
 */
describe('prices from the market, the house as counterparty (TRADE_FEE_BPS=10)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;
  let prisma: PrismaClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true', TRADE_FEE_BPS: '10', PRICE_MAX_AGE_MS: '30000' });
    client = await TradingClient.connect(stack.gatewayUrl);
    prisma = testDatabase();
  });
  after(async () => {
    await client?.close();
    await prisma?.$disconnect();
    await stack?.stop();
    await closeTestMarket();
  });

  describe('a marketable BUY', () => {
    it('executes at the market price, not its limit, pays notional + fee and gets the rest of its reservation back', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { AAPL: '100' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '10', price: '105' });
      expect(reply).to.include({ status: 'OK', price: '100', limit_price: '105', notional: '1000', fee: '1' });
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '999', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.include({ symbol: 'AAPL', quantity: '10', reserved: '0', cost_basis: '1000', average_cost: '100' });
    });
  });

  describe('a BUY whose limit is below the market', () => {
    it('is refused PRICE_NOT_MARKETABLE with the market price, and nothing changes', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { AAPL: '100' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '1', price: '99.5' });
      expectError(reply, 'PRICE_NOT_MARKETABLE');
      expect(reply.market_price).to.equal('100');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '2000', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
    });
  });

  describe('a SELL', () => {
    it('executes at the market price when it is at or above the limit, and receives notional − fee', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { AAPL: '100' });
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '10', price: '100' })).to.include({ status: 'OK' });
      await setPrices(client, { AAPL: '110' });
      const reply = await client.request({ type: 'SELL', user_id: userId, symbol: 'AAPL', amount: '5', price: '105' });
      expect(reply).to.include({ status: 'OK', price: '110', limit_price: '105', notional: '550', fee: '0.55' });
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '1548.45', reserved: '0' });
    });

    it('is refused PRICE_NOT_MARKETABLE when the market is below its limit, and keeps the holding', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { AAPL: '100' });
      await client.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '2', price: '100' });
      expectError(await client.request({ type: 'SELL', user_id: userId, symbol: 'AAPL', amount: '2', price: '101' }), 'PRICE_NOT_MARKETABLE');
      expect(await holdingsOf(client, userId)).to.deep.include({ symbol: 'AAPL', quantity: '2', reserved: '0', cost_basis: '200', average_cost: '100' });
    });
  });

  describe('a market order (no price)', () => {
    it('reserves the last price plus the collar (100 bps) and executes at the market price', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { ETH: '3000' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.1' });
      expect(reply).to.include({ status: 'OK', price: '3000', limit_price: null, notional: '300', fee: '0.3' });
      const [saga] = await prisma.saga.findMany({ where: { userId } });
      expect(saga?.priceBound.toFixed()).to.equal('3030');
      expect(saga?.reserved?.toFixed()).to.equal('303.303');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '699.7', reserved: '0' });
    });
  });

  describe('the house', () => {
    it('takes the other side of every trade: its cash gains notional + fee on a BUY, its position loses the quantity', async () => {
      const admin = client;
      const before = await houseView(admin, 'OIL');
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { OIL: '80' });
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'OIL', amount: '2', price: '80' })).to.include({ status: 'OK', fee: '0.16' });
      const after = await houseView(admin, 'OIL');
      expect(after.cash - before.cash).to.be.closeTo(160.16, 1e-9);
      expect(after.position - before.position).to.be.closeTo(-2, 1e-9);
    });

    it('is read by the operator only: a user naming it is FORBIDDEN, and nobody deposits into it', async () => {
      const userId = await fundedUser(client, '10');
      const key = String((await client.request({ type: 'ROTATE_API_KEY', user_id: userId })).api_key);
      const user = await TradingClient.connect(stack.gatewayUrl, { apiKey: key });
      try {
        expectError(await user.request({ type: 'USER_INFO', user_id: HOUSE_USER_ID }), 'FORBIDDEN');
      } finally {
        await user.close();
      }
      expectError(await client.request({ type: 'DEPOSIT', user_id: HOUSE_USER_ID, amount: '100' }), 'FORBIDDEN');
    });
  });

  describe('the price moving between acceptance and execution', () => {
    it('down: the BUY executes at the new, lower tick', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { NFLX: '600' });
      const [reply] = await whilePaymentPaused(stack, async () => {
        const pending = client.request({ type: 'BUY', user_id: userId, symbol: 'NFLX', amount: '1', price: '610' });
        await sagaStarted(prisma, userId);
        await setPrices(client, { NFLX: '590' });
        return [pending];
      });
      expect(await reply).to.include({ status: 'OK', price: '590', notional: '590', fee: '0.59' });
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '1409.41', reserved: '0' });
    });

    it('up beyond the limit: PRICE_NOT_MARKETABLE, the funds released, no trade and no holding', async () => {
      const userId = await fundedUser(client, '2000');
      await setPrices(client, { NFLX: '600' });
      const [reply] = await whilePaymentPaused(stack, async () => {
        const pending = client.request({ type: 'BUY', user_id: userId, symbol: 'NFLX', amount: '1', price: '605' });
        await sagaStarted(prisma, userId);
        await setPrices(client, { NFLX: '606' });
        return [pending];
      });
      expectError(await reply, 'PRICE_NOT_MARKETABLE');
      const [saga] = await prisma.saga.findMany({ where: { userId } });
      expect({ state: saga?.state, failureCode: saga?.failureCode }, 'refused at execution, after the reservation').to.deep.equal({
        state: 'COMPENSATED',
        failureCode: 'PRICE_NOT_MARKETABLE',
      });
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '2000', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
      expect((await client.request({ type: 'TRADES', user_id: userId })).trades).to.deep.equal([]);
    });
  });

  describe('a stale price', () => {
    it('is not traded on: PRICE_UNAVAILABLE', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { META: '480' }, { at: new Date(Date.now() - 60_000) });
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'META', amount: '1', price: '480' }), 'PRICE_UNAVAILABLE');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '1000', reserved: '0' });
    });
  });

  describe('a halt', () => {
    it('stops trading in a symbol until the operator resumes it; a user may not halt', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { TSLA: '175' });
      const key = String((await client.request({ type: 'ROTATE_API_KEY', user_id: userId })).api_key);
      const user = await TradingClient.connect(stack.gatewayUrl, { apiKey: key });
      try {
        expect(await user.request({ type: 'QUOTE', symbol: 'TSLA' }), 'a user’s QUOTE').to.include({ status: 'OK', price: '175' });
        expectError(await user.request({ type: 'HALT', symbol: 'TSLA' }), 'FORBIDDEN');
        expect(await client.request({ type: 'HALT', symbol: 'TSLA' })).to.include({ status: 'OK', halted: true });
        expectError(await user.request({ type: 'BUY', symbol: 'TSLA', amount: '1', price: '175' }), 'MARKET_HALTED');
        expect(await client.request({ type: 'RESUME', symbol: 'TSLA' })).to.include({ status: 'OK', halted: false });
        expect(await user.request({ type: 'BUY', symbol: 'TSLA', amount: '1', price: '175' })).to.include({ status: 'OK' });
      } finally {
        await user.close();
      }
    });

    it('of a whole market stops every symbol in it', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { XRP: '0.5', ETH: '3000' });
      expect(await client.request({ type: 'HALT', market: 'Crypto' })).to.include({ status: 'OK' });
      try {
        expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'XRP', amount: '10', price: '0.5' }), 'MARKET_HALTED');
        expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.1' }), 'MARKET_HALTED');
      } finally {
        await client.request({ type: 'RESUME', market: 'Crypto' });
      }
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'XRP', amount: '10', price: '0.5' })).to.include({ status: 'OK' });
    });
  });

  describe('pre-trade checks', () => {
    it('refuses a price off the tick and an amount off the lot with INVALID_AMOUNT and the rule', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { AMZN: '180' });
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'AMZN', amount: '1', price: '180.005' })).to.include({
        status: 'ERROR',
        code: 'INVALID_AMOUNT',
        field: 'price',
        rule: 'PRICE_TICK',
      });
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'AMZN', amount: '0.00005', price: '180' })).to.include({
        status: 'ERROR',
        code: 'INVALID_AMOUNT',
        field: 'amount',
        rule: 'LOT_SIZE',
      });
    });

    it('refuses a limit more than 10 % from the market (PRICE_OUT_OF_BAND) and an order above the maximum notional (ORDER_TOO_LARGE)', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { AMZN: '180' });
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'AMZN', amount: '1', price: '200' }), 'PRICE_OUT_OF_BAND');
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'AMZN', amount: '6000', price: '180' }), 'ORDER_TOO_LARGE');
    });
  });

  describe('the money-from-nothing sequence (BUY at 1, SELL at 1,000,000)', () => {
    it('is refused at both ends, and the account keeps its 10', async () => {
      const userId = await fundedUser(client, '10');
      await setPrices(client, { BTC: '65000' });
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '10', price: '1' }), 'PRICE_OUT_OF_BAND');
      expectError(await client.request({ type: 'SELL', user_id: userId, symbol: 'BTC', amount: '10', price: '1000000' }), 'PRICE_OUT_OF_BAND');
      expectError(await client.request({ type: 'SELL', user_id: userId, symbol: 'BTC', amount: '10' }), 'INSUFFICIENT_HOLDINGS');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '10', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
    });
  });

  describe('100 concurrent BUYs and SELLs from ten users', () => {
    it('conserve money and holdings: all cash equals deposits minus withdrawals, every symbol sums to zero', async function () {
      this.timeout(120_000);
      const ticks = await setPrices(client, { ETH: '3000', XRP: '0.5' });
      const users = await Promise.all(Array.from({ length: 10 }, () => fundedUser(client, '5000')));
      for (const userId of users) {
        expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.5' })).to.include({ status: 'OK' });
      }
      const moved = [...ticks, ...(await publishPrices({ ETH: '3010' }))];
      const orders = Array.from({ length: 100 }, (_, i) => {
        const userId = users[i % users.length];
        const symbol = i % 3 === 0 ? 'XRP' : 'ETH';
        const side = i % 2 === 0 ? 'BUY' : 'SELL';
        return { type: side, user_id: userId, symbol, amount: symbol === 'XRP' ? '100' : '0.05' };
      });
      const replies = await Promise.all(orders.map((order) => client.request(order, 60_000)));
      expect(replies.filter((r) => r.status === 'OK').length).to.be.greaterThan(50);
      expect(replies.filter((r) => r.status === 'ERROR').map((r) => r.code)).to.satisfy((codes: unknown[]) =>
        codes.every((code) => code === 'INSUFFICIENT_HOLDINGS' || code === 'PRICE_UNAVAILABLE'),
      );
      await expectConserved(prisma);
      const published = new Set(moved.map((tick) => `${tick.symbol}/${tick.seq}/${tick.price}`));
      const trades = await prisma.trade.findMany({ where: { userId: { in: users } } });
      expect(trades.filter((t) => !published.has(`${t.symbol}/${t.tickSeq}/${t.price.toFixed()}`))).to.deep.equal([]);
    });
  });
});

/** The house's cash (USER_INFO) and its position in one symbol (PORTFOLIO), as the operator reads them. */
async function houseView(admin: TradingClient, symbol: string): Promise<{ cash: number; position: number }> {
  const info = await admin.request({ type: 'USER_INFO', user_id: HOUSE_USER_ID });
  expect(info.status, info.message).to.equal('OK');
  const portfolio = await admin.request({ type: 'PORTFOLIO', user_id: HOUSE_USER_ID });
  const holding = (portfolio.holdings as { symbol: string; quantity: string }[]).find((h) => h.symbol === symbol);
  return { cash: Number(info.amount), position: Number(holding?.quantity ?? 0) };
}

/** Holds Payment (SIGSTOP) while `during` sends orders and moves prices; the orders' replies come after it resumes. */
async function whilePaymentPaused<T>(stack: Stack, during: () => Promise<T>): Promise<T> {
  const payment = stack.services.payment[0]!;
  payment.signal('SIGSTOP');
  try {
    return await during();
  } finally {
    payment.signal('SIGCONT');
  }
}

/** Waits until the user's BUY was accepted (its saga exists), so a price set afterwards meets it at execution. */
async function sagaStarted(prisma: PrismaClient, userId: string): Promise<void> {
  await waitFor(async () => ((await prisma.saga.count({ where: { userId } })) > 0 ? true : undefined), 10_000);
}

/** Both conservation invariants, checked in SQL at a quiet moment (no saga open). */
async function expectConserved(prisma: PrismaClient): Promise<void> {
  const [cash] = await prisma.$queryRawUnsafe<{ held: string; funded: string }[]>(
    `SELECT (SELECT sum(available + reserved) FROM payment.account)::text AS held,
            (SELECT coalesce(sum(available_delta), 0) FROM payment.ledger WHERE kind IN ('DEPOSIT', 'WITHDRAWAL'))::text AS funded`,
  );
  expect(cash?.held, 'all cash = deposits − withdrawals').to.equal(cash?.funded);
  const unbalanced = await prisma.$queryRawUnsafe<{ symbol: string; total: string }[]>(
    `SELECT symbol, sum(quantity + reserved)::text AS total FROM trade.holding GROUP BY symbol HAVING sum(quantity + reserved) <> 0`,
  );
  expect(unbalanced, 'every symbol’s holdings sum to zero').to.deep.equal([]);
}

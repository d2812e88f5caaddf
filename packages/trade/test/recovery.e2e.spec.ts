import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@trading/db';
import { closeTestMarket, publishPrices, type Stack, setPrices, startStack, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { sagasOf, testDatabase } from './support/tradeDatabase.ts';

import { balanceOf, expectError, fundedUser } from './support/tradingUser.ts';

const SAGA_TIMEOUT_MS = 1000;
const TERMINAL = ['COMPLETED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT'];

/** Sagas when a service is down or dies mid-saga: every saga ends, and no money stays held. */
describe('saga recovery (gateway + payment + trade)', function () {
  this.timeout(90_000);
  let stack: Stack;
  let client: TradingClient;
  let prisma: PrismaClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true', SAGA_TIMEOUT_MS: String(SAGA_TIMEOUT_MS) });
    client = await TradingClient.connect(stack.gatewayUrl);
    prisma = testDatabase();
  });
  after(async () => {
    await client?.close();
    await prisma?.$disconnect();
    await stack?.stop();
    await closeTestMarket();
  });

  describe('a BUY while Payment is stopped', () => {
    it('times out with ERROR SAGA_TIMEOUT; when Payment is back, the late reservation is released', async () => {
      const userId = await fundedUser(client, '100');
      const payment = stack.services.payment[0];
      if (!payment) throw new Error('no payment instance');
      await setPrices(client, { BTC: '50000' });
      await payment.stop();
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' }), 'SAGA_TIMEOUT');
      const [saga] = await sagasOf(prisma, userId);
      expect(saga?.state).to.equal('TIMED_OUT');
      await payment.start();
      const reservation = await waitFor(async () => {
        const found = await prisma.reservation.findUnique({ where: { sagaId: saga?.id ?? '' } });
        return found?.status === 'RELEASED' ? found : undefined;
      });
      expect(reservation.status).to.equal('RELEASED');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '100', reserved: '0' });
    });
  });

  describe('the Trade service killed (SIGKILL) mid-saga and restarted', () => {
    it('drives every saga to a terminal state; each re-sent order gets its reply, and no money stays reserved', async () => {
      const userId = await fundedUser(client, '1500');
      const trade = stack.services.trade[0];
      if (!trade) throw new Error('no trade instance');
      await setPrices(client, { BTC: '100000' });
      // The market keeps ticking while Trade is down, as the market service does; a restarted Trade quotes again
      // from the next tick, so an order or a reservation it meets before that one ends PRICE_UNAVAILABLE.
      const market = setInterval(() => void publishPrices({ BTC: '100000' }).catch(() => undefined), 200);
      try {
        const orders = Array.from({ length: 30 }, () => ({
          id: `buy-${randomUUID()}`,
          type: 'BUY',
          user_id: userId,
          symbol: 'BTC',
          amount: '0.001',
          price: '100000',
        }));
        const first = Promise.allSettled(orders.map((order) => client.request(order, 30_000)));
        await waitFor(async () => ((await sagasOf(prisma, userId)).length >= 5 ? true : undefined));
        await trade.kill();
        // Down past the deadline: at restart, the outbox sweep sends what the killed process left, and the
        // timeout sweeper cancels every BUY still waiting for its reservation.
        await new Promise((resolve) => setTimeout(resolve, SAGA_TIMEOUT_MS + 500));
        await trade.start();
        await first;
        const sagas = await waitFor(async () => {
          const all = await sagasOf(prisma, userId);
          return all.length > 0 && all.every((s) => TERMINAL.includes(s.state)) ? all : undefined;
        }, 30_000);
        const replies = await Promise.all(orders.map((order) => client.request(order)));
        expect(
          replies
            .map((r) => r.code ?? r.status)
            .filter((outcome) => !['OK', 'INSUFFICIENT_FUNDS', 'SAGA_TIMEOUT', 'PRICE_UNAVAILABLE'].includes(String(outcome))),
        ).to.deep.equal([]);
        const completed = replies.filter((r) => r.status === 'OK').length;
        expect(sagas.filter((s) => s.state === 'COMPLETED')).to.have.length(completed);
        expect((await client.request({ type: 'TRADES', user_id: userId, limit: 100 })).trades).to.have.length(completed);
        const balance = await waitFor(async () => {
          const current = await balanceOf(client, userId);
          return current.reserved === '0' ? current : undefined;
        });
        expect(balance.amount).to.equal(String(1500 - 100 * completed));
      } finally {
        clearInterval(market);
      }
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@trading/db';
import { closeTestMarket, type Stack, setPrices, startStack, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { EventTap } from './support/eventTap.ts';

import { sagasOf, testDatabase } from './support/tradeDatabase.ts';

import { TradeProbe } from './support/tradeProbe.ts';

import { balanceOf, expectError, fundedUser, holdingsOf } from './support/tradingUser.ts';

/**
 * BUY and SELL sagas through the gateway, Payment and Trade as processes, over the real broker and database. Each
 * story is told as README's saga diagram draws it: the events each service announced, each reacting to the other's.
 */
describe('BUY and SELL sagas (gateway + payment + trade)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;
  let tap: EventTap;
  let prisma: PrismaClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true', TRADE_FAIL_RECORDING_FOR: 'NFLX' });
    client = await TradingClient.connect(stack.gatewayUrl);
    tap = await EventTap.connect();
    prisma = testDatabase();
  });
  after(async () => {
    await client?.close();
    await tap?.close();
    await prisma?.$disconnect();
    await stack?.stop();
    await closeTestMarket();
  });

  describe('BUY with enough funds', () => {
    it('replies OK with the trade at the market price, debits price × amount and adds the holding at its cost', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { BTC: '60000' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.01', price: '60000' });
      expect(reply).to.include({ status: 'OK', type: 'BUY', symbol: 'BTC', amount: '0.01', price: '60000', limit_price: '60000', notional: '600', fee: '0' });
      expect(reply.trade_id).to.be.a('string');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '400', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([{ symbol: 'BTC', quantity: '0.01', reserved: '0', cost_basis: '600', average_cost: '60000' }]);
      await waitFor(async () => (tap.storyOf(userId).length >= 5 ? true : undefined));
      expect(tap.storyOf(userId)).to.deep.equal([
        'trade OrderAccepted',
        'payment FundsReserved',
        'trade TradeRecorded',
        'payment FundsCaptured',
        'trade SagaCompleted',
      ]);
    });
  });

  describe('SELL of a held symbol', () => {
    it('replies OK, credits price × amount and reduces the holding and its cost basis proportionally', async () => {
      const userId = await fundedUser(client, '10000');
      await setPrices(client, { ETH: '3000' });
      expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '2', price: '3000' })).to.include({ status: 'OK' });
      await setPrices(client, { ETH: '3500' });
      const reply = await client.request({ type: 'SELL', user_id: userId, symbol: 'ETH', amount: '0.5', price: '3500' });
      expect(reply).to.include({ status: 'OK', type: 'SELL', symbol: 'ETH', amount: '0.5', price: '3500', notional: '1750' });
      expect(reply.trade_id).to.be.a('string');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '5750', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([{ symbol: 'ETH', quantity: '1.5', reserved: '0', cost_basis: '4500', average_cost: '3000' }]);
      await waitFor(async () => (tap.storyOf(userId).length >= 10 ? true : undefined));
      expect(tap.storyOf(userId).slice(5)).to.deep.equal([
        'trade OrderAccepted',
        'trade HoldingReserved',
        'trade TradeRecorded',
        'payment FundsCredited',
        'trade SagaCompleted',
      ]);
    });

    it('removes the holding when everything is sold', async () => {
      const userId = await fundedUser(client, '100');
      await setPrices(client, { XRP: '0.5' });
      await client.request({ type: 'BUY', user_id: userId, symbol: 'XRP', amount: '10', price: '0.5' });
      await setPrices(client, { XRP: '0.6' });
      expect(await client.request({ type: 'SELL', user_id: userId, symbol: 'XRP', amount: '10', price: '0.6' })).to.include({ status: 'OK' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '101', reserved: '0' });
    });
  });

  describe('SELL of more than the user holds', () => {
    it('replies ERROR INSUFFICIENT_HOLDINGS and changes nothing', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { ETH: '3000', BTC: '60000' });
      await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.1', price: '3000' });
      expectError(await client.request({ type: 'SELL', user_id: userId, symbol: 'ETH', amount: '0.2', price: '3000' }), 'INSUFFICIENT_HOLDINGS');
      expectError(await client.request({ type: 'SELL', user_id: userId, symbol: 'BTC', amount: '1' }), 'INSUFFICIENT_HOLDINGS');
      expect(await holdingsOf(client, userId)).to.deep.equal([{ symbol: 'ETH', quantity: '0.1', reserved: '0', cost_basis: '300', average_cost: '3000' }]);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '700', reserved: '0' });
    });
  });

  describe('BUY with insufficient funds', () => {
    it('replies ERROR INSUFFICIENT_FUNDS and records nothing', async () => {
      const userId = await fundedUser(client, '50');
      await setPrices(client, { BTC: '60000' });
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '1', price: '60000' }), 'INSUFFICIENT_FUNDS');
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '50', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
      expect((await client.request({ type: 'TRADES', user_id: userId })).trades).to.deep.equal([]);
      await waitFor(async () => (tap.storyOf(userId).length >= 3 ? true : undefined));
      expect(tap.storyOf(userId)).to.deep.equal(['trade OrderAccepted', 'payment FundsRejected', 'trade SagaFailed:REJECTED']);
    });
  });

  describe('BUY for an unknown user', () => {
    it('replies ERROR USER_NOT_FOUND', async () => {
      await setPrices(client, { BTC: '60000' });
      expectError(await client.request({ type: 'BUY', user_id: randomUUID(), symbol: 'BTC', amount: '0.001', price: '60000' }), 'USER_NOT_FOUND');
    });
  });

  describe('BUY of an unknown symbol', () => {
    it('replies ERROR SYMBOL_NOT_FOUND without starting a saga', async () => {
      const userId = await fundedUser(client, '100');
      expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'NOPE', amount: '1', price: '1' }), 'SYMBOL_NOT_FOUND');
      expect(await sagasOf(prisma, userId)).to.deep.equal([]);
    });
  });

  describe('a market order (no price)', () => {
    it('executes at the market price, reserving up to the collar and releasing the rest', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { ETH: '3400' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.1' });
      expect(reply).to.include({ status: 'OK', price: '3400', notional: '340', limit_price: null });
      expect(reply.message).to.match(/market order/);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '660', reserved: '0' });
    });
  });

  describe('a failure after the reservation (TRADE_FAIL_RECORDING_FOR=NFLX)', () => {
    it('compensates: replies ERROR TRADE_FAILED, releases the funds and leaves no trade or holding', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { NFLX: '600' });
      const reply = await client.request({ type: 'BUY', user_id: userId, symbol: 'NFLX', amount: '1', price: '600' });
      expectError(reply, 'TRADE_FAILED');
      expect(reply.message).to.match(/recording the trade failed/);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '1000', reserved: '0' });
      expect(await holdingsOf(client, userId)).to.deep.equal([]);
      expect((await client.request({ type: 'TRADES', user_id: userId })).trades).to.deep.equal([]);
      expect((await sagasOf(prisma, userId)).map((s) => s.state)).to.deep.equal(['COMPENSATED']);
      await waitFor(async () => (tap.storyOf(userId).length >= 5 ? true : undefined));
      expect(tap.storyOf(userId)).to.deep.equal([
        'trade OrderAccepted',
        'payment FundsReserved',
        'trade OrderCancelled',
        'payment FundsReleased',
        'trade SagaFailed:COMPENSATED',
      ]);
    });
  });

  describe('TRADES', () => {
    it('lists a user’s trades newest first, a page of `limit` at a time, with an opaque cursor', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { XRP: '1' });
      for (const amount of ['1', '2', '3']) await client.request({ type: 'BUY', user_id: userId, symbol: 'XRP', amount, price: '1' });
      const first = await client.request({ type: 'TRADES', user_id: userId, limit: 2 });
      expect((first.trades as { amount: string }[]).map((t) => t.amount)).to.deep.equal(['3', '2']);
      expect(first.next_cursor).to.be.a('string');
      const second = await client.request({ type: 'TRADES', user_id: userId, limit: 2, cursor: first.next_cursor });
      expect((second.trades as { amount: string }[]).map((t) => t.amount)).to.deep.equal(['1']);
      expect(second.next_cursor).to.equal(null);
      expect((second.trades as object[])[0]).to.include.keys('trade_id', 'side', 'symbol', 'price', 'notional', 'executed_at');
    });

    it('replies ERROR INVALID_REQUEST to a cursor it did not make', async () => {
      expectError(await client.request({ type: 'TRADES', user_id: randomUUID(), cursor: 'bogus' }), 'INVALID_REQUEST');
    });
  });

  describe('a re-sent BUY (same user and id)', () => {
    it('gets the first one’s reply and makes no second trade, whether sent after or during the saga', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { BTC: '50000' });
      const order = { id: `buy-${randomUUID()}`, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' };
      const other = await TradingClient.connect(stack.gatewayUrl);
      const [a, b] = await Promise.all([client.request(order), other.request(order)]);
      const c = await other.request(order);
      await other.close();
      expect(a).to.include({ status: 'OK' });
      expect(b).to.deep.equal(a);
      expect(c).to.deep.equal(a);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '950', reserved: '0' });
      expect((await sagasOf(prisma, userId)).length).to.equal(1);
    });

    it('replies ERROR DUPLICATE_REQUEST_ID when the id is reused for another order', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { BTC: '50000' });
      const id = `buy-${randomUUID()}`;
      expect(await client.request({ id, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' })).to.include({ status: 'OK' });
      expectError(await client.request({ id, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.002', price: '50000' }), 'DUPLICATE_REQUEST_ID');
    });
  });

  describe('the same BUY message delivered twice', () => {
    it('makes one trade, and every reply it gets is that trade', async () => {
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { BTC: '50000' });
      const probe = await TradeProbe.connect();
      const message = probe.message({ id: `buy-${randomUUID()}`, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' });
      await probe.publish(message);
      await probe.publish(message);
      const first = await waitFor(async () => probe.replies[0]);
      await probe.close();
      expect(first).to.include({ status: 'OK' });
      expect(probe.replies.every((reply) => reply.trade_id === first.trade_id)).to.equal(true);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '950', reserved: '0' });
      expect((await client.request({ type: 'TRADES', user_id: userId })).trades).to.have.length(1);
    });
  });

  describe('100 concurrent BUYs against funds for 10', () => {
    it('makes exactly 10 trades and leaves a zero balance', async function () {
      this.timeout(90_000);
      const userId = await fundedUser(client, '1000');
      await setPrices(client, { BTC: '100000' });
      const replies = await Promise.all(
        Array.from({ length: 100 }, () => client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '100000' }, 60_000)),
      );
      expect(replies.filter((r) => r.status === 'OK')).to.have.length(10);
      expect(replies.filter((r) => r.code === 'INSUFFICIENT_FUNDS')).to.have.length(90);
      expect(await balanceOf(client, userId)).to.deep.equal({ amount: '0', reserved: '0' });
      expect((await client.request({ type: 'TRADES', user_id: userId, limit: 100 })).trades).to.have.length(10);
      expect(await holdingsOf(client, userId)).to.deep.equal([{ symbol: 'BTC', quantity: '0.01', reserved: '0', cost_basis: '1000', average_cost: '100000' }]);
    });
  });

  describe('after every saga above', () => {
    it('no message Trade or Payment sent the other was a command: only domain events between them, and replies to clients', () => {
      expect(tap.messages.filter((d) => d.exchange === 'domain-events').length).to.be.above(50);
      expect(tap.commandsBetweenServices()).to.deep.equal([]);
    });
  });
});

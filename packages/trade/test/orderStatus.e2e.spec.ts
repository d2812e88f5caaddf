import { randomUUID } from 'node:crypto';
import { closeTestMarket, setPrices, TradingClient, useStack } from '@trading/testkit';
import { expect } from 'chai';
import { expectError } from './support/tradingUser.ts';

/** A user on a socket of their own, with a deposit. */
async function ownSocket(url: string, deposit: string): Promise<{ client: TradingClient; userId: string }> {
  const client = await TradingClient.connect(url, { apiKey: null });
  const added = await client.request({ type: 'ADD_USER' });
  expect(added.status, added.message).to.equal('OK');
  if (deposit !== '0') expect((await client.request({ type: 'DEPOSIT', amount: deposit })).status).to.equal('OK');
  return { client, userId: String(added.user_id) };
}

type Step = { state: string; at: string | null };

describe('ORDER_STATUS (gateway + payment + trade)', function () {
  this.timeout(60_000);
  const stack = useStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true' });
  let operator: TradingClient;
  before(async () => {
    operator = await TradingClient.connect(stack().gatewayUrl);
  });
  after(async () => {
    await operator?.close();
    await closeTestMarket();
  });

  it("tells a filled BUY's state, execution and each step's time, by order_id and by the request id that placed it", async () => {
    const { client, userId } = await ownSocket(stack().gatewayUrl, '1000');
    await setPrices(operator, { BTC: '50000' });
    const bought = await client.request({ id: 'buy-1', type: 'BUY', symbol: 'BTC', amount: '0.01', price: '50000' });
    expect(bought).to.include({ status: 'OK' });
    expect(bought.order_id).to.match(/^[0-9a-f-]{36}$/);
    const byOrder = await client.request({ type: 'ORDER_STATUS', order_id: bought.order_id });
    expect(byOrder).to.include({ status: 'OK', order_id: bought.order_id, request_id: 'buy-1', user_id: userId, side: 'BUY', state: 'FILLED' });
    expect(byOrder).to.include({ price: '50000', notional: '500', fee: '0', trade_id: bought.trade_id });
    const steps = byOrder.steps as Step[];
    expect(steps.map((s) => s.state)).to.deep.equal(['ACCEPTED', 'FUNDS_RESERVED', 'FILLED']);
    const times = steps.map((s) => Date.parse(String(s.at)));
    expect(times.every(Number.isFinite)).to.equal(true);
    expect([...times].sort((a, b) => a - b)).to.deep.equal(times);
    const byRequest = await client.request({ type: 'ORDER_STATUS', request_id: 'buy-1' });
    expect(byRequest).to.deep.include({ status: 'OK', order_id: bought.order_id, state: 'FILLED', steps });
    await client.close();
  });

  it("tells a SELL's steps ACCEPTED, HOLDING_RESERVED, FILLED", async () => {
    const { client } = await ownSocket(stack().gatewayUrl, '1000');
    await setPrices(operator, { ETH: '3000' });
    expect(await client.request({ type: 'BUY', symbol: 'ETH', amount: '0.1', price: '3000' })).to.include({ status: 'OK' });
    const sold = await client.request({ type: 'SELL', symbol: 'ETH', amount: '0.1', price: '3000' });
    expect(sold).to.include({ status: 'OK' });
    const status = await client.request({ type: 'ORDER_STATUS', order_id: sold.order_id });
    expect(status).to.include({ state: 'FILLED', side: 'SELL', notional: '300' });
    expect((status.steps as Step[]).map((s) => s.state)).to.deep.equal(['ACCEPTED', 'HOLDING_RESERVED', 'FILLED']);
    await client.close();
  });

  it('names the order of a BUY Payment rejected, and tells it REJECTED without a reservation step', async () => {
    const { client } = await ownSocket(stack().gatewayUrl, '1');
    await setPrices(operator, { BTC: '50000' });
    const refused = await client.request({ type: 'BUY', symbol: 'BTC', amount: '0.01', price: '50000' });
    expectError(refused, 'INSUFFICIENT_FUNDS');
    expect(refused.order_id).to.be.a('string');
    const status = await client.request({ type: 'ORDER_STATUS', order_id: refused.order_id });
    expect(status).to.include({ state: 'REJECTED', code: 'INSUFFICIENT_FUNDS', price: null, trade_id: null });
    expect((status.steps as Step[]).map((s) => s.state)).to.deep.equal(['ACCEPTED', 'REJECTED']);
    await client.close();
  });

  it("answers ORDER_NOT_FOUND for another user's order, an unknown one, and a request refused before any order existed", async () => {
    const owner = await ownSocket(stack().gatewayUrl, '1000');
    const other = await ownSocket(stack().gatewayUrl, '1000');
    await setPrices(operator, { BTC: '50000' });
    const bought = await owner.client.request({ id: 'mine', type: 'BUY', symbol: 'BTC', amount: '0.001', price: '50000' });
    expect(bought).to.include({ status: 'OK' });
    expectError(await other.client.request({ type: 'ORDER_STATUS', order_id: bought.order_id }), 'ORDER_NOT_FOUND');
    expectError(await other.client.request({ type: 'ORDER_STATUS', request_id: 'mine' }), 'ORDER_NOT_FOUND');
    expectError(await other.client.request({ type: 'ORDER_STATUS', user_id: owner.userId, order_id: bought.order_id }), 'FORBIDDEN');
    expectError(await owner.client.request({ type: 'ORDER_STATUS', order_id: randomUUID() }), 'ORDER_NOT_FOUND');
    const tooFar = await owner.client.request({ id: 'far', type: 'BUY', symbol: 'BTC', amount: '0.001', price: '10000' });
    expectError(tooFar, 'PRICE_OUT_OF_BAND');
    expect(tooFar).not.to.have.property('order_id');
    expectError(await owner.client.request({ type: 'ORDER_STATUS', request_id: 'far' }), 'ORDER_NOT_FOUND');
    // The operator reads the owner's order by naming the owner.
    expect(await operator.request({ type: 'ORDER_STATUS', user_id: owner.userId, order_id: bought.order_id })).to.include({ status: 'OK', state: 'FILLED' });
    await owner.client.close();
    await other.client.close();
  });

  it('refuses a request that names both or neither of order_id and request_id', async () => {
    expectError(await operator.request({ type: 'ORDER_STATUS', user_id: randomUUID() }), 'INVALID_REQUEST');
    expectError(await operator.request({ type: 'ORDER_STATUS', user_id: randomUUID(), order_id: randomUUID(), request_id: 'x' }), 'INVALID_REQUEST');
  });
});

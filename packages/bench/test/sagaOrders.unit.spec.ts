import { expect } from 'chai';
import { nthOrder, type OrderPlan } from '../src/sagaOrders.ts';

const plan: OrderPlan = { users: ['u1', 'u2'], symbols: ['BTC', 'ETH'], mix: 'both', quantity: '0.01' };

describe('the orders of a run', () => {
  it('has each user alternate BUY and SELL of the same symbol, then move to the next symbol', () => {
    const orders = Array.from({ length: 8 }, (_, k) => nthOrder(plan, k)).map((o) => `${o.user_id} ${o.type} ${o.symbol}`);
    expect(orders).to.deep.equal(['u1 BUY BTC', 'u2 BUY BTC', 'u1 SELL BTC', 'u2 SELL BTC', 'u1 BUY ETH', 'u2 BUY ETH', 'u1 SELL ETH', 'u2 SELL ETH']);
  });

  it('sends only BUYs, over every symbol in turn, for the mix `buy`', () => {
    const orders = Array.from({ length: 4 }, (_, k) => nthOrder({ ...plan, mix: 'buy' }, k)).map((o) => `${o.type} ${o.symbol}`);
    expect(orders).to.deep.equal(['BUY BTC', 'BUY BTC', 'BUY ETH', 'BUY ETH']);
  });

  it('sends market orders (no price, so they trade at the moving market price) of the plan’s quantity', () => {
    expect(nthOrder(plan, 0)).to.deep.equal({ type: 'BUY', user_id: 'u1', symbol: 'BTC', amount: '0.01' });
    expect(nthOrder(plan, 2)).to.deep.equal({ type: 'SELL', user_id: 'u1', symbol: 'BTC', amount: '0.01' });
  });
});

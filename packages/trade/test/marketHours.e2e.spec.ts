import { closeTestMarket, type Stack, setPrices, startStack, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import { expectError, fundedUser } from './support/tradingUser.ts';

/** Market hours against a fixed clock: Monday 2026-01-05 20:00 UTC, after the stock market closed. */
describe('orders at a fixed clock (CLOCK_FIXED_AT=2026-01-05T20:00:00Z)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade'], { CLOCK_FIXED_AT: '2026-01-05T20:00:00Z', MARKETS_ALWAYS_OPEN: 'false' });
    client = await TradingClient.connect(stack.gatewayUrl);
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it('replies ERROR MARKET_CLOSED to a stock order after 16:00 UTC', async () => {
    const userId = await fundedUser(client, '1000');
    await setPrices(client, { AMZN: '100' });
    expectError(await client.request({ type: 'BUY', user_id: userId, symbol: 'AMZN', amount: '1', price: '100' }), 'MARKET_CLOSED');
  });

  it('trades crypto, whose market is open all day', async () => {
    const userId = await fundedUser(client, '1000');
    await setPrices(client, { ETH: '3000' });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.1', price: '3000' })).to.include({ status: 'OK', price: '3000' });
  });
});

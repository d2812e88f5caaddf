import { closeTestMarket, type Stack, setPrices, startStack, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import { balanceOf, fundedUser, holdingsOf } from './support/tradingUser.ts';

/**
 * One connection pipelining one account's requests, through the gateway, Payment and Trade: they are applied in the
 * order sent, whether or not they share a transaction (README, "In order").
 */
describe('one account’s requests pipelined on one connection', function () {
  this.timeout(60_000);
  let stack: Stack;
  let client: TradingClient;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true' });
    client = await TradingClient.connect(stack.gatewayUrl);
  });
  after(async () => {
    await client?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it('applies each WITHDRAW after the DEPOSIT sent before it: every pair succeeds and the balance ends where it began', async () => {
    const userId = await fundedUser(client, '0');
    const pairs = Array.from({ length: 60 }, () => [
      client.request({ type: 'DEPOSIT', user_id: userId, amount: '2.5' }),
      client.request({ type: 'WITHDRAW', user_id: userId, amount: '2.5' }),
    ]).flat();
    const replies = await Promise.all(pairs);
    expect(replies.filter((r) => r.status !== 'OK').map((r) => `${r.type} ${r.code}`)).to.deep.equal([]);
    expect(replies.map((r) => r.balance)).to.deep.equal(Array.from({ length: 60 }, () => ['2.5', '0']).flat());
    expect(await balanceOf(client, userId)).to.deep.equal({ amount: '0', reserved: '0' });
  });

  it('fills BUYs in the order sent: with funds for 10 of 25, the first 10 sent are the ones that trade', async () => {
    const userId = await fundedUser(client, '100');
    await setPrices(client, { ETH: '1000' });
    const replies = await Promise.all(
      Array.from({ length: 25 }, () => client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '0.01', price: '1000' }, 30_000)),
    );
    expect(replies.map((r) => (r.status === 'OK' ? 'OK' : r.code))).to.deep.equal([
      ...Array.from({ length: 10 }, () => 'OK'),
      ...Array.from({ length: 15 }, () => 'INSUFFICIENT_FUNDS'),
    ]);
    expect(await balanceOf(client, userId)).to.deep.equal({ amount: '0', reserved: '0' });
    expect((await holdingsOf(client, userId)).map((h) => h.quantity)).to.deep.equal(['0.1']);
  });
});

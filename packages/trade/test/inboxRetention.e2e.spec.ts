import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@trading/db';
import { closeTestMarket, setPrices, TradingClient, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { sagasOf, testDatabase } from './support/tradeDatabase.ts';
import { balanceOf, expectError, fundedUser } from './support/tradingUser.ts';

/**
 * An order re-sent after its inbox key was pruned (Trade prunes every 100 ms here): the saga table still knows the
 * order's key (trade.saga.request_key), so the re-send is answered from its saga and trades nothing.
 */
describe('a BUY re-sent after the inbox forgot its key (gateway + payment + trade)', function () {
  this.timeout(60_000);
  const stack = useStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true', INBOX_PRUNE_INTERVAL_MS: '100' });
  let client: TradingClient;
  let prisma: PrismaClient;

  /** Ages the order's inbox key past the seven-day window and waits until the pruning removed it. */
  const expire = async (userId: string, id: string) => {
    const pattern = `%|${userId}|s:${id}`;
    await prisma.$executeRawUnsafe(`UPDATE trade.inbox SET created_at = now() - interval '169 hours' WHERE key LIKE $1`, pattern);
    await waitFor(async () => {
      const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM trade.inbox WHERE key LIKE $1`, pattern);
      return row?.n === 0 ? true : undefined;
    }, 10_000);
  };

  before(async () => {
    client = await TradingClient.connect(stack().gatewayUrl);
    prisma = testDatabase();
  });
  after(async () => {
    await client?.close();
    await prisma?.$disconnect();
    await closeTestMarket();
  });

  it('gets the first reply from its saga and makes no second trade', async () => {
    const userId = await fundedUser(client, '1000');
    await setPrices(client, { BTC: '50000' });
    const order = { id: `buy-${randomUUID()}`, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' };
    const first = await client.request(order);
    expect(first).to.include({ status: 'OK' });
    await expire(userId, order.id);
    expect(await client.request(order)).to.deep.equal(first);
    expect(await balanceOf(client, userId)).to.deep.equal({ amount: '950', reserved: '0' });
    expect(await sagasOf(prisma, userId)).to.have.length(1);
  });

  it('replies ERROR DUPLICATE_REQUEST_ID when the id comes back with another order', async () => {
    const userId = await fundedUser(client, '1000');
    const id = `buy-${randomUUID()}`;
    await setPrices(client, { BTC: '50000' });
    expect(await client.request({ id, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.001', price: '50000' })).to.include({ status: 'OK' });
    await expire(userId, id);
    expectError(await client.request({ id, type: 'BUY', user_id: userId, symbol: 'BTC', amount: '0.002', price: '50000' }), 'DUPLICATE_REQUEST_ID');
    expect(await sagasOf(prisma, userId)).to.have.length(1);
  });
});

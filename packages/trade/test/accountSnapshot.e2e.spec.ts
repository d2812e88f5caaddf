import { randomUUID } from 'node:crypto';
import { closeTestMarket, setPrices, TradingClient, useStack } from '@trading/testkit';
import { expect } from 'chai';
import { testDatabase } from './support/tradeDatabase.ts';

describe("PORTFOLIO as the account stream's snapshot (gateway + payment + trade)", function () {
  this.timeout(60_000);
  const stack = useStack(['gateway', 'payment', 'trade'], { MARKETS_ALWAYS_OPEN: 'true' });
  let prisma: ReturnType<typeof testDatabase>;
  before(() => {
    prisma = testDatabase();
  });
  after(async () => {
    await prisma?.$disconnect();
    await closeTestMarket();
  });

  it("lists the orders still open in the stream's terms, and the number of Trade's last change it includes", async () => {
    const operator = await TradingClient.connect(stack().gatewayUrl);
    await setPrices(operator, { ETH: '3000' });
    const client = await TradingClient.connect(stack().gatewayUrl, { apiKey: null });
    const added = await client.request({ type: 'ADD_USER' });
    const userId = String(added.user_id);
    expect((await client.request({ type: 'DEPOSIT', amount: '10000' })).status).to.equal('OK');
    expect(await client.request({ type: 'PORTFOLIO' })).to.deep.include({ holdings: [], open_orders: [], account_seq: 0 });
    expect((await client.request({ type: 'BUY', symbol: 'ETH', amount: '1', price: '3000' })).status).to.equal('OK');
    // An order in flight, as a BUY waiting for its funds is (its deadline far off, so no sweep takes it meanwhile).
    const open = randomUUID();
    const at = new Date();
    await prisma.saga.create({
      data: {
        id: open,
        requestKey: `test|${open}`,
        requestHash: 'test',
        requestId: 'open-1',
        side: 'BUY',
        userId,
        symbol: 'ETH',
        quantity: '0.5',
        priceBound: '3000',
        marketOrder: false,
        limitPrice: '3000',
        state: 'STARTED',
        deadline: new Date(at.getTime() + 3_600_000),
      },
    });
    try {
      const portfolio = await client.request({ type: 'PORTFOLIO' });
      expect(portfolio.open_orders).to.deep.equal([
        { request_id: 'open-1', order_id: open, side: 'BUY', symbol: 'ETH', amount: '0.5', limit_price: '3000', state: 'ACCEPTED' },
      ]);
      // The filled BUY's four changes: ACCEPTED, FUNDS_RESERVED, its holding, FILLED.
      expect(portfolio.account_seq).to.equal(4);
      expect(portfolio.holdings).to.have.length(1);
    } finally {
      await prisma.saga.delete({ where: { id: open } });
      await client.close();
      await operator.close();
    }
  });
});

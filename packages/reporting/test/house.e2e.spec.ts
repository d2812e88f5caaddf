import { Decimal, type Reply } from '@trading/contracts';
import { closeTestMarket, type Stack, setPrices, startStack, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { HouseView, Report, Stats, UserView } from '../src/index.ts';
import { getJson } from './scenario.ts';

const reportOf = (reply: Reply) => (reply as Reply & { report: Report }).report;
const plus = (a: string, b: Decimal.Value) => new Decimal(a).add(b).toFixed();

/** The house takes the other side of every trade: the operator sees its cash and positions, a user never does. */
describe("the house's cash and positions in Reporting (gateway + payment + trade + reporting)", function () {
  this.timeout(90_000);
  let stack: Stack;
  let operator: TradingClient;
  let user: TradingClient | undefined;
  let userId: string;
  let userKey: string;
  const url = (path: string) => `${stack.reportingUrl}${path}`;

  before(async () => {
    stack = await startStack(['gateway', 'payment', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true', TRADE_FEE_BPS: '10' });
    operator = await TradingClient.connect(stack.gatewayUrl);
    const added = await operator.request({ type: 'ADD_USER' });
    [userId, userKey] = [String(added.user_id), String(added.api_key)];
    expect(await operator.request({ type: 'DEPOSIT', user_id: userId, amount: '1000' })).to.include({ status: 'OK' });
  });
  after(async () => {
    await user?.close();
    await operator?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it("shows the operator the house's side of a BUY and a SELL: cash with the fees, and the position", async () => {
    const before = (await getJson<Report>(url('/api/report'))).body.house;
    expect(before).to.have.keys('cash', 'fees', 'positions');
    await setPrices(operator, { AAPL: '190' });
    const buy = await operator.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '3', price: '190' });
    expect(buy).to.include({ status: 'OK', price: '190', notional: '570', fee: '0.57' });
    await setPrices(operator, { AAPL: '200' });
    const sell = await operator.request({ type: 'SELL', user_id: userId, symbol: 'AAPL', amount: '1', price: '200' });
    expect(sell).to.include({ status: 'OK', price: '200', notional: '200', fee: '0.2' });

    const expected: HouseView = {
      cash: plus(before!.cash, '370.77'), // 570 + 0.57 taken in, 200 - 0.2 paid out
      fees: plus(before!.fees, '0.77'),
      positions: { ...before!.positions, AAPL: plus(before!.positions.AAPL ?? '0', '-2') },
    };
    const house = await waitFor(async () => {
      const seen = (await getJson<Report>(url('/api/report'))).body.house;
      return seen?.cash === expected.cash && seen.positions.AAPL === expected.positions.AAPL ? seen : undefined;
    });
    expect(house).to.deep.equal(expected);
    expect((await getJson<Stats>(url('/api/stats'))).body.house).to.deep.equal(expected);
    expect(reportOf(await operator.request({ type: 'REPORT' })).house, "the operator's REPORT through the gateway").to.deep.equal(expected);
    const balance = await operator.request({ type: 'USER_INFO', user_id: userId });
    const figures = (await getJson<UserView>(url(`/api/users/${userId}`))).body;
    expect([figures.net_cash_flow, balance.amount], "the user's side: paid 570.57, received 199.8").to.deep.equal(['629.23', '629.23']);
  });

  it("keeps the house out of a user's report, over the API and through the gateway, and out of a report about one user", async () => {
    await waitFor(async () => ((await getJson(url('/api/report'), userKey)).status === 200 ? true : undefined)); // its key is projected
    const own = (await getJson<Report>(url('/api/report'), userKey)).body;
    expect([own.criteria.user_id, own.trades]).to.deep.equal([userId, 2]);
    expect(own).to.not.have.property('house');
    user = await TradingClient.connect(stack.gatewayUrl, { apiKey: userKey });
    const reply = await user.request({ type: 'REPORT' });
    expect(reply).to.include({ status: 'OK' });
    expect(reportOf(reply)).to.not.have.property('house');
    expect(JSON.stringify(reportOf(reply))).to.not.include('"house"');
    expect((await getJson<Report>(url(`/api/report?user_id=${userId}`))).body, "the operator's report about the user").to.not.have.property('house');
    expect((await getJson(url('/api/stats'), userKey)).status).to.equal(403);
  });
});

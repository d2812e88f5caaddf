import { closeTestMarket, rabbitmqctl, setPrices, testEnv, TradingClient, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';

type Change = {
  type: 'ACCOUNT';
  source: 'payment' | 'trade';
  seq: number;
  user_id: string;
  change: 'FUNDS' | 'HOLDING' | 'ORDER';
  balance?: string;
  reserved?: string;
  cause?: { kind: string; order_id?: string };
  request_id?: string | number;
  order_id?: string;
  side?: string;
  symbol?: string;
  quantity?: string;
  state?: string;
  code?: string;
};
type Seq = { payment: number; trade: number };
type Snapshot = { balance: string; reserved: string; holdings: { symbol: string; quantity: string; reserved: string }[]; open_orders: unknown[]; seq: Seq };

/** A user on a socket of their own, with `deposit` on their account. */
async function userSocket(url: string, deposit = '0'): Promise<{ client: TradingClient; userId: string; apiKey: string }> {
  const client = await TradingClient.connect(url, { apiKey: null });
  const added = await client.request({ type: 'ADD_USER' });
  expect(added.status, added.message).to.equal('OK');
  if (deposit !== '0') expect((await client.request({ type: 'DEPOSIT', amount: deposit })).status).to.equal('OK');
  return { client, userId: String(added.user_id), apiKey: String(added.api_key) };
}

const changesOf = (client: TradingClient, source?: Change['source']): Change[] =>
  (client.replies as unknown as Change[]).filter((m) => m.type === 'ACCOUNT' && (source === undefined || m.source === source));

/** Subscribes to an account and answers the reply's snapshot. */
async function subscribeAccount(client: TradingClient, fields: Record<string, unknown> = {}): Promise<Snapshot> {
  const reply = await client.request({ type: 'SUBSCRIBE', channel: 'account', ...fields });
  expect(reply, reply.message).to.include({ status: 'OK', type: 'SUBSCRIBE', channel: 'account' });
  return reply.snapshot as Snapshot;
}

/** The changes of one source, numbered one after another from `after` + 1 (no gap, none twice). */
function expectContiguous(changes: Change[], after: number): void {
  expect(changes.map((c) => c.seq)).to.deep.equal(changes.map((_, i) => after + i + 1));
}

const orderStates = (changes: Change[], orderId: string) => changes.filter((c) => c.change === 'ORDER' && c.order_id === orderId).map((c) => c.state);

describe('the account stream: balances, holdings and order states as they change (gateway + payment + trade)', function () {
  this.timeout(120_000);
  const stack = useStack(['gateway', 'payment', 'trade'], {
    MARKETS_ALWAYS_OPEN: 'true',
    // Recording an XRP trade fails after its funds are reserved: the BUY is compensated.
    TRADE_FAIL_RECORDING_FOR: 'XRP',
    // A hot account's burst on one socket.
    RATE_LIMIT_PER_CONNECTION: '1000',
    RATE_LIMIT_PER_CONNECTION_BURST: '1000',
    RATE_LIMIT_PER_PRINCIPAL: '1000',
    RATE_LIMIT_PER_PRINCIPAL_BURST: '1000',
  });
  let operator: TradingClient;
  before(async () => {
    operator = await TradingClient.connect(stack().gatewayUrl);
    await setPrices(operator, { BTC: '60000', ETH: '3000', XRP: '0.5' });
  });
  after(async () => {
    await operator?.close();
    await closeTestMarket();
  });

  it("starts with the account's snapshot, then shows a BUY's states in order with its funds and holding changes", async () => {
    const { client, userId } = await userSocket(stack().gatewayUrl, '100000');
    const snapshot = await subscribeAccount(client);
    expect(snapshot).to.deep.include({ balance: '100000', reserved: '0', holdings: [], open_orders: [] });
    expect(snapshot.seq).to.deep.equal({ payment: 1, trade: 0 }); // the deposit, and no order yet
    const bought = await client.request({ id: 'buy-1', type: 'BUY', symbol: 'BTC', amount: '0.5', price: '60000' });
    expect(bought.status, bought.message).to.equal('OK');
    const orderId = String(bought.order_id);
    await waitFor(async () => (orderStates(changesOf(client), orderId).includes('FILLED') && changesOf(client, 'payment').length >= 2 ? true : undefined));
    const trade = changesOf(client, 'trade');
    expectContiguous(trade, snapshot.seq.trade);
    expect(trade.map((c) => [c.change, c.state ?? c.quantity])).to.deep.equal([
      ['ORDER', 'ACCEPTED'],
      ['ORDER', 'FUNDS_RESERVED'],
      ['HOLDING', '0.5'],
      ['ORDER', 'FILLED'],
    ]);
    for (const order of trade.filter((c) => c.change === 'ORDER')) {
      expect(order).to.include({ request_id: 'buy-1', order_id: orderId, side: 'BUY', symbol: 'BTC', user_id: userId });
    }
    const funds = changesOf(client, 'payment');
    expectContiguous(funds, snapshot.seq.payment);
    expect(funds.map((c) => c.cause?.kind)).to.deep.equal(['RESERVE', 'CAPTURE']);
    expect(funds.every((c) => c.cause?.order_id === orderId)).to.equal(true);
    expect(Number(funds[0]!.reserved)).to.be.greaterThan(0);
    // The last funds change is the account as USER_INFO reads it.
    const info = await client.request({ type: 'USER_INFO' });
    expect(funds.at(-1)).to.include({ balance: info.amount, reserved: info.reserved });
    expect(info.account_seq).to.equal(funds.at(-1)!.seq);
    await client.close();
  });

  it("shows a SELL's states in order, its holding reserved and settled, and the credit", async () => {
    const { client } = await userSocket(stack().gatewayUrl, '10000');
    expect((await client.request({ type: 'BUY', symbol: 'ETH', amount: '1', price: '3000' })).status).to.equal('OK');
    const snapshot = await subscribeAccount(client);
    expect(snapshot.holdings).to.have.length(1);
    expect(snapshot.holdings[0]).to.include({ symbol: 'ETH', quantity: '1', reserved: '0' });
    const sold = await client.request({ id: 'sell-1', type: 'SELL', symbol: 'ETH', amount: '0.25', price: '3000' });
    expect(sold.status, sold.message).to.equal('OK');
    const orderId = String(sold.order_id);
    await waitFor(async () => (orderStates(changesOf(client), orderId).includes('FILLED') && changesOf(client, 'payment').length >= 1 ? true : undefined));
    const trade = changesOf(client, 'trade');
    expectContiguous(trade, snapshot.seq.trade);
    expect(trade.map((c) => (c.change === 'ORDER' ? c.state : `${c.symbol} ${c.quantity}/${c.reserved}`))).to.deep.equal([
      'ACCEPTED',
      'ETH 0.75/0.25',
      'HOLDING_RESERVED',
      'ETH 0.75/0',
      'FILLED',
    ]);
    const funds = changesOf(client, 'payment');
    expectContiguous(funds, snapshot.seq.payment);
    expect(funds.map((c) => c.cause?.kind)).to.deep.equal(['CREDIT']);
    await client.close();
  });

  it('shows a refused BUY end REJECTED and a failed one COMPENSATED, with its code, its funds reserved and released', async () => {
    const { client } = await userSocket(stack().gatewayUrl, '100');
    const snapshot = await subscribeAccount(client);
    const refused = await client.request({ type: 'BUY', symbol: 'ETH', amount: '1', price: '3000' });
    expect(refused).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS' });
    const failed = await client.request({ type: 'BUY', symbol: 'XRP', amount: '10', price: '0.5' });
    expect(failed).to.include({ status: 'ERROR', code: 'TRADE_FAILED' });
    await waitFor(async () => (orderStates(changesOf(client), String(failed.order_id)).includes('COMPENSATED') ? true : undefined));
    const trade = changesOf(client, 'trade');
    expectContiguous(trade, snapshot.seq.trade);
    expect(trade.map((c) => [c.state, c.code])).to.deep.equal([
      ['ACCEPTED', undefined],
      ['REJECTED', 'INSUFFICIENT_FUNDS'],
      ['ACCEPTED', undefined],
      ['FUNDS_RESERVED', undefined],
      ['COMPENSATED', 'TRADE_FAILED'],
    ]);
    await waitFor(async () => (changesOf(client, 'payment').length >= 2 ? true : undefined));
    const funds = changesOf(client, 'payment');
    expectContiguous(funds, snapshot.seq.payment);
    expect(funds.map((c) => [c.cause?.kind, c.balance, c.reserved])).to.deep.equal([
      ['RESERVE', String(100 - Number(funds[0]!.reserved)), funds[0]!.reserved],
      ['RELEASE', '100', '0'],
    ]);
    await client.close();
  });

  it('numbers DEPOSIT and WITHDRAW changes one after another from the snapshot, each with the balance it left', async () => {
    const { client } = await userSocket(stack().gatewayUrl, '100');
    const snapshot = await subscribeAccount(client);
    for (const [type, amount] of [
      ['DEPOSIT', '10'],
      ['WITHDRAW', '5'],
      ['DEPOSIT', '1.5'],
    ]) {
      expect((await client.request({ type, amount })).status).to.equal('OK');
    }
    // A withdrawal refused changes nothing and is not announced.
    expect(await client.request({ type: 'WITHDRAW', amount: '1000000' })).to.include({ code: 'INSUFFICIENT_FUNDS' });
    expect((await client.request({ type: 'DEPOSIT', amount: '1' })).status).to.equal('OK');
    await waitFor(async () => (changesOf(client).length >= 4 ? true : undefined));
    const funds = changesOf(client);
    expectContiguous(funds, snapshot.seq.payment);
    expect(funds.map((c) => [c.cause?.kind, c.balance])).to.deep.equal([
      ['DEPOSIT', '110'],
      ['WITHDRAWAL', '105'],
      ['DEPOSIT', '106.5'],
      ['DEPOSIT', '107.5'],
    ]);
    await client.close();
  });

  it("numbers a hot account's burst of pipelined DEPOSITs one after another, in order, each with the balance it left", async () => {
    const { client } = await userSocket(stack().gatewayUrl);
    const snapshot = await subscribeAccount(client);
    const count = 250;
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: count }, (_, i) => client.request({ id: `hot-${i}`, type: 'DEPOSIT', amount: '1' }, 30_000)));
    expect(replies.filter((r) => r.status !== 'OK')).to.deep.equal([]);
    await waitFor(async () => (changesOf(client).length >= count ? true : undefined), 30_000);
    console.log(`      ${count} pipelined DEPOSITs of one account and their ${count} changes in ${Date.now() - started} ms`);
    const funds = changesOf(client);
    expectContiguous(funds, snapshot.seq.payment);
    expect(funds.map((c) => c.balance)).to.deep.equal(Array.from({ length: count }, (_, i) => String(i + 1)));
    await client.close();
  });

  it("shows a user none of another user's changes, refuses another user's account, and lets the operator follow any", async () => {
    const owner = await userSocket(stack().gatewayUrl, '1000');
    const other = await userSocket(stack().gatewayUrl, '1000');
    const follower = await TradingClient.connect(stack().gatewayUrl);
    await subscribeAccount(other.client);
    expect(await other.client.request({ type: 'SUBSCRIBE', channel: 'account', user_id: owner.userId })).to.include({
      status: 'ERROR',
      code: 'FORBIDDEN',
    });
    expect(await follower.request({ type: 'SUBSCRIBE', channel: 'account' })).to.include({ status: 'ERROR', code: 'INVALID_REQUEST' });
    const followed = await subscribeAccount(follower, { user_id: owner.userId });
    expect(followed.balance).to.equal('1000');
    const anonymous = await TradingClient.connect(stack().gatewayUrl, { apiKey: null });
    expect(await anonymous.request({ type: 'SUBSCRIBE', channel: 'account' })).to.include({ status: 'ERROR', code: 'UNAUTHENTICATED' });
    expect(await anonymous.request({ type: 'SUBSCRIBE', channel: 'account', symbol: 'BTC' })).to.include({ status: 'ERROR', code: 'INVALID_REQUEST' });
    await anonymous.close();
    expect((await owner.client.request({ type: 'BUY', symbol: 'ETH', amount: '0.1', price: '3000' })).status).to.equal('OK');
    await waitFor(async () => (changesOf(follower).some((c) => c.state === 'FILLED') ? true : undefined));
    expect(changesOf(follower).every((c) => c.user_id === owner.userId)).to.equal(true);
    // A round trip on the other user's socket later, it has seen nothing of it.
    expect((await other.client.request({ type: 'DEPOSIT', amount: '1' })).status).to.equal('OK');
    await waitFor(async () => (changesOf(other.client).length >= 1 ? true : undefined));
    expect(changesOf(other.client).map((c) => [c.user_id, c.change])).to.deep.equal([[other.userId, 'FUNDS']]);
    expect(JSON.stringify(other.client.replies)).not.to.contain(owner.userId);
    // UNSUBSCRIBE ends the feed.
    expect(await follower.request({ type: 'UNSUBSCRIBE', channel: 'account', user_id: owner.userId })).to.include({ status: 'OK' });
    const seen = changesOf(follower).length;
    expect((await owner.client.request({ type: 'DEPOSIT', amount: '1' })).status).to.equal('OK');
    await owner.client.request({ type: 'USER_INFO' });
    expect(changesOf(follower)).to.have.length(seen);
    for (const c of [owner.client, other.client, follower]) await c.close();
  });

  it('keeps a subscription through a broker restart: a fresh snapshot, then every change after it with no gap', async () => {
    const { client, apiKey } = await userSocket(stack().gatewayUrl, '500');
    await subscribeAccount(client);
    await rabbitmqctl('close_all_connections', '--vhost', testEnv().vhost, 'test: the broker restarts');
    const recovered = await waitFor(
      async () => (client.replies as unknown as { type?: string; reason?: string; snapshot?: Snapshot }[]).find((m) => m.type === 'SNAPSHOT'),
      30_000,
    );
    expect(recovered).to.deep.include({ channel: 'account', reason: 'FEED_RECOVERED' });
    const after = recovered.snapshot!.seq;
    const before = changesOf(client).length;
    // A second socket of the same user changes the account (the first may still be reconnecting its own requests).
    const again = await TradingClient.connect(stack().gatewayUrl, { apiKey });
    await waitFor(async () => ((await again.request({ id: 'deposit-after', type: 'DEPOSIT', amount: '5' })).status === 'OK' ? true : undefined), 30_000);
    await waitFor(async () => (changesOf(client).length > before ? true : undefined), 20_000);
    const fresh = changesOf(client).slice(before);
    expectContiguous(fresh, after.payment);
    expect(fresh.at(-1)?.balance).to.equal(String(Number(recovered.snapshot!.balance) + 5));
    await again.close();
    await client.close();
  });
});

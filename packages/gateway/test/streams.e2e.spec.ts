import type { Reply } from '@trading/contracts';
import { closeTestMarket, publishPrices, rabbitmqctl, setPrices, testEnv, TradingClient, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';

type Message = Reply & { type?: string; symbol?: string; price?: string; seq?: number; code?: string };

/** A user on a socket of their own (public feeds need an authenticated socket). */
async function userSocket(url: string, deposit = '0'): Promise<{ client: TradingClient; userId: string; apiKey: string }> {
  const client = await TradingClient.connect(url, { apiKey: null });
  const added = await client.request({ type: 'ADD_USER' });
  expect(added.status, added.message).to.equal('OK');
  if (deposit !== '0') expect((await client.request({ type: 'DEPOSIT', amount: deposit })).status).to.equal('OK');
  return { client, userId: String(added.user_id), apiKey: String(added.api_key) };
}

const feedOf = (client: TradingClient, type: string): Message[] => (client.replies as Message[]).filter((m) => m.type === type && m.id === undefined);

describe('live streams: the ticker and trades feeds (gateway + payment + trade)', function () {
  this.timeout(120_000);
  const stack = useStack(['gateway', 'payment', 'trade'], {
    MARKETS_ALWAYS_OPEN: 'true',
    // A slow reader's feeds stop soon.
    FEED_MAX_BUFFERED_BYTES: '16384',
    MAX_SUBSCRIPTIONS_PER_SOCKET: '3',
  });
  let operator: TradingClient;
  before(async () => {
    operator = await TradingClient.connect(stack().gatewayUrl);
  });
  after(async () => {
    await operator?.close();
    await closeTestMarket();
  });

  it('starts a ticker with the last price as its snapshot, then each newer tick in order, until UNSUBSCRIBE', async () => {
    const [first] = await setPrices(operator, { BTC: '60000' });
    const { client } = await userSocket(stack().gatewayUrl);
    const subscribed = await client.request({ id: 's1', type: 'SUBSCRIBE', channel: 'ticker', symbol: 'btc' });
    expect(subscribed).to.deep.include({ id: 's1', type: 'SUBSCRIBE', status: 'OK', channel: 'ticker', symbol: 'BTC' });
    expect(subscribed.snapshot).to.deep.include({ symbol: 'BTC', price: '60000', seq: first!.seq });
    const ticks = await publishPrices({ BTC: '60001' });
    await publishPrices({ BTC: '60002' });
    await waitFor(async () => (feedOf(client, 'TICKER').length >= 2 ? true : undefined));
    expect(feedOf(client, 'TICKER').map((t) => [t.price, t.seq])).to.deep.equal([
      ['60001', ticks[0]!.seq],
      ['60002', ticks[0]!.seq + 1],
    ]);
    const reply = await client.request({ type: 'UNSUBSCRIBE', channel: 'ticker', symbol: 'BTC' });
    expect(reply).to.include({ status: 'OK', channel: 'ticker', symbol: 'BTC' });
    await publishPrices({ BTC: '60003' });
    await setPrices(operator, { ETH: '3000' }); // a round trip later, no BTC tick more
    expect(feedOf(client, 'TICKER')).to.have.length(2);
    await client.close();
  });

  it('refuses an anonymous socket, an unknown symbol and a fourth subscription on one socket', async () => {
    const anonymous = await TradingClient.connect(stack().gatewayUrl, { apiKey: null });
    expect(await anonymous.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'BTC' })).to.include({ status: 'ERROR', code: 'UNAUTHENTICATED' });
    await anonymous.close();
    const { client } = await userSocket(stack().gatewayUrl);
    expect(await client.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'NOPE' })).to.include({ status: 'ERROR', code: 'SYMBOL_NOT_FOUND' });
    for (const symbol of ['BTC', 'ETH', 'XRP']) expect(await client.request({ type: 'SUBSCRIBE', channel: 'trades', symbol })).to.include({ status: 'OK' });
    expect(await client.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'AAPL' })).to.include({ status: 'ERROR', code: 'TOO_MANY_SUBSCRIPTIONS' });
    expect(await client.request({ type: 'SUBSCRIBE', channel: 'trades', symbol: 'BTC' })).to.include({ status: 'OK' }); // again: a fresh snapshot
    await client.close();
  });

  it('shows every completed trade of a symbol with its price, amount and time, and never whose it was', async () => {
    await setPrices(operator, { ETH: '3000' });
    const watcher = await userSocket(stack().gatewayUrl);
    expect(await watcher.client.request({ type: 'SUBSCRIBE', channel: 'trades', symbol: 'ETH' })).to.include({ status: 'OK' });
    const trader = await userSocket(stack().gatewayUrl, '10000');
    expect(await trader.client.request({ type: 'BUY', symbol: 'ETH', amount: '1', price: '3000' })).to.include({ status: 'OK' });
    expect(await trader.client.request({ type: 'SELL', symbol: 'ETH', amount: '0.5', price: '3000' })).to.include({ status: 'OK' });
    await waitFor(async () => (feedOf(watcher.client, 'TRADE').length >= 2 ? true : undefined));
    const trades = feedOf(watcher.client, 'TRADE');
    expect(trades.map(({ at, ...rest }) => rest)).to.deep.equal([
      { type: 'TRADE', symbol: 'ETH', price: '3000', amount: '1' },
      { type: 'TRADE', symbol: 'ETH', price: '3000', amount: '0.5' },
    ]);
    expect(JSON.stringify(trades)).not.to.contain(trader.userId);
    await watcher.client.close();
    await trader.client.close();
  });

  it('delivers one tick to 1,000 subscribers of one gateway', async function () {
    this.timeout(180_000);
    await setPrices(operator, { XRP: '0.5' });
    const clients: TradingClient[] = [];
    try {
      for (let batch = 0; batch < 10; batch += 1) {
        const opened = await Promise.all(Array.from({ length: 100 }, () => TradingClient.connect(stack().gatewayUrl)));
        clients.push(...opened);
        const replies = await Promise.all(opened.map((c) => c.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'XRP' }, 30_000)));
        expect(replies.filter((r) => r.status !== 'OK')).to.deep.equal([]);
      }
      const started = Date.now();
      const [tick] = await publishPrices({ XRP: '0.5001' });
      await waitFor(async () => (clients.every((c) => feedOf(c, 'TICKER').some((t) => t.seq === tick!.seq)) ? true : undefined), 20_000);
      const elapsedMs = Date.now() - started;
      expect(clients.every((c) => feedOf(c, 'TICKER').at(-1)?.price === '0.5001')).to.equal(true);
      console.log(`      a tick reached ${clients.length} subscribers in ${elapsedMs} ms`);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it("ends a slow reader's feeds with a notice while its orders still go through and the other subscribers keep up", async () => {
    await setPrices(operator, { BTC: '60000' });
    const slow = await userSocket(stack().gatewayUrl, '1000');
    const fast = await userSocket(stack().gatewayUrl);
    for (const channel of ['ticker', 'trades']) {
      expect(await slow.client.request({ type: 'SUBSCRIBE', channel, symbol: 'BTC' })).to.include({ status: 'OK' });
    }
    expect(await fast.client.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'BTC' })).to.include({ status: 'OK' });
    slow.client.socket.pause(); // it stops reading: the kernel's buffers fill (a few MB), then the gateway's
    let last = 0;
    for (let round = 0; round < 10; round += 1) {
      const burst = await Promise.all(Array.from({ length: 4000 }, (_, i) => publishPrices({ BTC: i % 2 ? '60001' : '60000' })));
      last = burst.at(-1)![0]!.seq;
    }
    await waitFor(async () => (feedOf(fast.client, 'TICKER').some((t) => t.seq === last) ? true : undefined), 30_000);
    // Its BUY is admitted and executed although it has not read a byte for a while (seen from another of its sockets).
    slow.client.socket.send(JSON.stringify({ id: 'slow-buy', type: 'BUY', symbol: 'BTC', amount: '0.001', price: '60001' }));
    const sameUser = await TradingClient.connect(stack().gatewayUrl, { apiKey: slow.apiKey });
    await waitFor(async () => {
      const order = await sameUser.request({ type: 'ORDER_STATUS', request_id: 'slow-buy' });
      return order.status === 'OK' && order.state === 'FILLED' ? true : undefined;
    }, 30_000);
    await sameUser.close();
    slow.client.socket.resume();
    await slow.client.expect('slow-buy', 30_000).catch(() => undefined);
    expect(slow.client.replies.find((r) => r.id === 'slow-buy')).to.include({ status: 'OK' });
    // Its trades feed, which cannot skip a trade without a silent gap, was ended with a notice; its ticker paused while
    // it did not read and resumed at the latest price (ticks in order, none twice); it was never RATE_LIMITED.
    await waitFor(async () => (feedOf(slow.client, 'UNSUBSCRIBED').length >= 1 ? true : undefined), 10_000);
    expect(feedOf(slow.client, 'UNSUBSCRIBED').map((n) => [n.channel, n.symbol, n.code])).to.deep.equal([['trades', 'BTC', 'SLOW_CONSUMER']]);
    await waitFor(async () => (feedOf(slow.client, 'TICKER').at(-1)?.seq === last ? true : undefined), 10_000);
    const seen = feedOf(slow.client, 'TICKER').map((t) => Number(t.seq));
    expect(seen.every((seq, i) => i === 0 || seq > seen[i - 1]!)).to.equal(true); // in order, never twice
    expect(feedOf(fast.client, 'TICKER')).to.have.length(40_000); // the others kept up with every tick
    expect(slow.client.replies.some((r) => r.code === 'RATE_LIMITED')).to.equal(false);
    // Still open: it may subscribe again and gets a fresh snapshot.
    expect(await slow.client.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'BTC' })).to.include({ status: 'OK' });
    await slow.client.close();
    await fast.client.close();
  });

  it('keeps a subscription through a broker restart: a fresh snapshot says so, then the ticks go on', async () => {
    await setPrices(operator, { ETH: '3000' });
    const { client } = await userSocket(stack().gatewayUrl);
    for (const channel of ['ticker', 'trades']) {
      expect(await client.request({ type: 'SUBSCRIBE', channel, symbol: 'ETH' })).to.include({ status: 'OK' });
    }
    await rabbitmqctl('close_all_connections', '--vhost', testEnv().vhost, 'test: the broker restarts');
    let moved: number | undefined;
    await waitFor(async () => {
      // Published while the gateway may still be reconnecting: such ticks are lost, and the snapshot covers them.
      moved = (await publishPrices({ ETH: '3100' }).catch(() => []))[0]?.seq ?? moved;
      return feedOf(client, 'SNAPSHOT').length >= 2 ? true : undefined;
    }, 30_000);
    const snapshots = feedOf(client, 'SNAPSHOT') as (Message & { channel: string; reason: string; snapshot: { price: string } | null })[];
    expect(snapshots.map((m) => [m.channel, m.symbol, m.reason])).to.have.deep.members([
      ['ticker', 'ETH', 'FEED_RECOVERED'],
      ['trades', 'ETH', 'FEED_RECOVERED'],
    ]);
    expect(snapshots.find((m) => m.channel === 'ticker')?.snapshot?.price).to.be.oneOf(['3000', '3100']);
    const [after] = await publishPrices({ ETH: '3200' });
    await waitFor(async () => (feedOf(client, 'TICKER').some((t) => t.seq === after!.seq) ? true : undefined), 20_000);
    expect(feedOf(client, 'TICKER').at(-1)).to.include({ price: '3200' });
    expect(moved).to.be.a('number');
    await client.close();
  });
});

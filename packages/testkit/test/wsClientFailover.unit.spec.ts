import { expect } from 'chai';
import { type Failover, fakeGateway, sessionAfter, TradingClient } from '../src/index.ts';

describe('a TradingClient given several gateways', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('moves to the next gateway when its own dies, with the same key, and re-sends only the unanswered request, with its id', async () => {
    const a = await fakeGateway('A', (frame, socket) => {
      if (frame.id === 'r-1') a.reply(socket, frame);
      else socket.terminate(); // dies with r-2 in hand
    });
    const b = await fakeGateway('B', (frame, socket) => b.reply(socket, frame));
    servers.push(a, b);
    const client = await TradingClient.connect([a.url, b.url], { apiKey: 'key-1' });
    const moves: Failover[] = [];
    client.onFailover((move) => moves.push(move));

    expect((await client.request({ id: 'r-1', type: 'USER_INFO' })).message).to.equal('from A');
    const second = await client.request({ id: 'r-2', type: 'DEPOSIT', amount: '5' });
    expect(second).to.include({ id: 'r-2', message: 'from B' });
    expect(b.frames).to.deep.equal([{ id: 'r-2', type: 'DEPOSIT', amount: '5' }]);
    expect(b.keys).to.deep.equal(['Bearer key-1']);
    expect(moves).to.deep.equal([{ from: a.url, to: b.url, resent: ['r-2'] }]);
    expect(client.gatewayUrl).to.equal(b.url);
    await client.close();
  });

  it('presents again the key it logged in with, and starts where it is told (client i on gateway i)', async () => {
    const a = await fakeGateway('A', (frame, socket) => {
      if (frame.type === 'LOGIN') a.reply(socket, frame, { user_id: 'u-1' });
      else socket.terminate();
    });
    const b = await fakeGateway('B', (frame, socket) => b.reply(socket, frame));
    servers.push(a, b);
    const client = await TradingClient.connect([b.url, a.url], { apiKey: null, start: 1 });
    await client.request({ id: 'l-1', type: 'LOGIN', api_key: 'user-key' });
    expect((await client.request({ id: 'q-1', type: 'USER_INFO' })).message).to.equal('from B');
    expect(a.keys).to.deep.equal([undefined]);
    expect(b.keys).to.deep.equal(['Bearer user-key']);
    await client.close();
  });

  it('stays closed when it closes itself, and without a list of gateways when its gateway goes away', async () => {
    const a = await fakeGateway('A', (_frame, socket) => socket.terminate());
    const b = await fakeGateway('B', (frame, socket) => b.reply(socket, frame));
    servers.push(a, b);
    const single = await TradingClient.connect(a.url);
    const lost = single.request({ id: 's-1', type: 'USER_INFO' }, 500);
    expect(await single.closed()).to.equal(1006);
    await lost.then(
      () => expect.fail('no gateway answered'),
      (err: Error) => expect(err.message).to.match(/no reply to s-1/),
    );
    const listed = await TradingClient.connect([b.url, a.url]);
    await listed.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.keys, 'the single-gateway client did not come back').to.have.length(1);
    expect(b.keys, 'the client that closed itself did not come back').to.have.length(1);
  });
});

describe('the session a client presents to another gateway', () => {
  it('is the key it logged in with, a new user’s key on an anonymous socket, or its own rotated key', () => {
    const ok = (extra: Record<string, unknown>) => ({ id: 'x', status: 'OK' as const, message: 'ok', ...extra });
    expect(sessionAfter({ apiKey: null }, { type: 'LOGIN', api_key: 'k' }, ok({ user_id: 'u' }))).to.deep.equal({ apiKey: 'k', userId: 'u' });
    expect(sessionAfter({ apiKey: null }, { type: 'ADD_USER' }, ok({ user_id: 'u', api_key: 'new' }))).to.deep.equal({ apiKey: 'new', userId: 'u' });
    expect(sessionAfter({ apiKey: 'admin' }, { type: 'ADD_USER' }, ok({ user_id: 'u', api_key: 'new' }))).to.deep.equal({ apiKey: 'admin' });
    expect(sessionAfter({ apiKey: 'old' }, { type: 'ROTATE_API_KEY' }, ok({ user_id: 'u', api_key: 'new' }))).to.deep.equal({ apiKey: 'new' });
    expect(sessionAfter({ apiKey: 'admin' }, { type: 'ROTATE_API_KEY', user_id: 'u' }, ok({ api_key: 'new' }))).to.deep.equal({ apiKey: 'admin' });
    expect(sessionAfter({ apiKey: null }, { type: 'LOGIN', api_key: 'k' }, { id: 'x', status: 'ERROR', code: 'UNAUTHENTICATED', message: 'no' })).to.deep.equal(
      {
        apiKey: null,
      },
    );
  });
});

import { STREAM_LEASE_MAX_MS } from '@trading/contracts';
import { closeTestMarket, publishPrices, TradingClient, useStack } from '@trading/testkit';
import { expect } from 'chai';
import { ADMIN_KEY, bearer } from './auth.ts';
import { useScenario } from './useScenario.ts';

type Minted = { ticket: string; expires_at: string; lease_until: string; gateways: string[] };

const codeOf = async (res: Response) => ((await res.json()) as { code?: string }).code;

/**
 * The dashboard's stream ticket: minted by Reporting for a logged-in session (POST /api/stream-ticket), redeemed
 * once on the gateway (LOGIN stream_ticket), where it makes a socket that may only follow the public feeds.
 */
describe('stream tickets for the dashboard’s price feed', function () {
  this.timeout(60_000);
  const stack = useStack(['gateway', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true' });
  const { scenario } = useScenario(stack);
  const url = (path: string) => `${stack().reportingUrl}${path}`;
  const sockets: TradingClient[] = [];
  const anonymousSocket = async (origin?: string) => {
    const client = await TradingClient.connect(stack().gatewayUrl, { apiKey: null, ...(origin ? { origin } : {}) });
    sockets.push(client);
    return client;
  };
  const login = async () => {
    const res = await fetch(url('/api/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ADMIN_KEY }),
    });
    expect(res.status).to.equal(204);
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  const mint = (headers: Record<string, string>, method = 'POST') => fetch(url('/api/stream-ticket'), { method, headers });
  const ticketOf = async (cookie: string): Promise<Minted> => {
    const res = await mint({ cookie });
    expect(res.status).to.equal(200);
    return (await res.json()) as Minted;
  };

  after(async () => {
    for (const socket of sockets) await socket.close();
    await closeTestMarket();
  });

  it("mints a session's ticket, not cached, leasing at most 2 minutes, with the gateways to use it on", async () => {
    const before = Date.now();
    const res = await mint({ cookie: await login() });
    expect([res.status, res.headers.get('cache-control')]).to.deep.equal([200, 'no-store']);
    const minted = (await res.json()) as Minted;
    expect(minted.ticket)
      .to.match(/^st1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
      .and.not.include(ADMIN_KEY);
    expect(minted.gateways).to.deep.equal([stack().gatewayUrl]);
    expect(Date.parse(minted.expires_at) - before).to.be.within(0, 31_000);
    expect(Date.parse(minted.lease_until) - before).to.be.within(0, STREAM_LEASE_MAX_MS + 1000);
  });

  it('opens a viewer socket on the gateway, from the dashboard’s origin, that follows a ticker', async () => {
    const { ticket } = await ticketOf(await login());
    const socket = await anonymousSocket(stack().reportingUrl);
    expect(await socket.request({ type: 'LOGIN', stream_ticket: ticket })).to.include({ status: 'OK', role: 'viewer' });
    const subscribed = await socket.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'ETH' });
    expect(subscribed, JSON.stringify(subscribed)).to.include({ status: 'OK', channel: 'ticker', symbol: 'ETH' });
    const ticker = new Promise((resolve) => socket.onReply((message) => (message as { type?: string }).type === 'TICKER' && resolve(message)));
    const [tick] = await publishPrices({ ETH: '3012.5' });
    expect(await ticker).to.include({ symbol: 'ETH', price: '3012.5', seq: tick!.seq });
  });

  it('is redeemed once: the same ticket on a second socket is refused UNAUTHENTICATED', async () => {
    const { ticket } = await ticketOf(await login());
    const first = await anonymousSocket();
    expect(await first.request({ type: 'LOGIN', stream_ticket: ticket })).to.include({ status: 'OK' });
    const replay = await anonymousSocket();
    expect(await replay.request({ type: 'LOGIN', stream_ticket: ticket })).to.include({ status: 'ERROR', code: 'UNAUTHENTICATED' });
    expect(await replay.request({ type: 'SUBSCRIBE', channel: 'ticker', symbol: 'ETH' })).to.include({ code: 'UNAUTHENTICATED' });
  });

  it('acts for nobody: a viewer socket is refused every request but the feeds and QUOTE', async () => {
    const { ticket } = await ticketOf(await login());
    const socket = await anonymousSocket();
    await socket.request({ type: 'LOGIN', stream_ticket: ticket });
    const user = scenario().users[0];
    for (const request of [
      { type: 'DEPOSIT', user_id: user, amount: '1' },
      { type: 'USER_INFO', user_id: user },
      { type: 'REPORT' },
      { type: 'ADD_USER' },
      { type: 'LOGIN', api_key: ADMIN_KEY },
    ]) {
      const reply = await socket.request(request);
      expect([request.type, reply.status]).to.deep.equal([request.type, 'ERROR']);
      expect(reply.code).to.be.oneOf(['FORBIDDEN', 'INVALID_REQUEST']);
    }
  });

  it('is minted no more once the session logged out, and never for a key, a user, or no session', async () => {
    const cookie = await login();
    await ticketOf(cookie);
    expect((await fetch(url('/api/session'), { method: 'DELETE', headers: { cookie } })).status).to.equal(204);
    const afterLogout = await mint({ cookie });
    expect([afterLogout.status, await codeOf(afterLogout)]).to.deep.equal([401, 'UNAUTHENTICATED']);
    for (const key of [ADMIN_KEY, scenario().keys.a]) {
      const res = await mint(bearer(key));
      expect([res.status, await codeOf(res)]).to.deep.equal([403, 'FORBIDDEN']);
    }
    expect((await mint({})).status).to.equal(401);
    expect((await mint({ cookie: 'reporting_session=forged-session-id' })).status).to.equal(401);
  });

  it("cannot be obtained by another site's page, nor with GET", async () => {
    const cookie = await login();
    const crossSite: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of crossSite) {
      const res = await mint({ cookie, ...headers });
      expect([JSON.stringify(headers), res.status, await codeOf(res)]).to.deep.equal([JSON.stringify(headers), 403, 'FORBIDDEN']);
    }
    expect((await mint({ cookie }, 'GET')).status).to.equal(405);
    expect((await mint({ cookie, origin: stack().reportingUrl })).status).to.equal(200);
  });

  it("is refused by the gateway from another site's page: the socket does not open", async () => {
    const refused = await TradingClient.connect(stack().gatewayUrl, { apiKey: null, origin: 'http://evil.example' }).then(
      () => 'opened',
      (err: Error) => err.message,
    );
    expect(refused).to.include('403');
  });
});

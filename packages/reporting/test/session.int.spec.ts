import { useStack } from '@trading/testkit';
import { expect } from 'chai';
import { ADMIN_KEY } from './auth.ts';
import { useScenario } from './useScenario.ts';

const codeOf = async (res: Response) => ((await res.json()) as { code?: string }).code;
const COOKIE = /^reporting_session=([A-Za-z0-9_-]{43}); HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/;

/** The dashboard's login: the operator's key once, then an HttpOnly session cookie that logout ends. */
describe('dashboard sessions over POST and DELETE /api/session', function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  const { scenario } = useScenario(stack);
  const url = (path: string) => `${stack().reportingUrl}${path}`;
  const login = (body: string, headers: Record<string, string> = {}) =>
    fetch(url('/api/session'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const withCookie = (path: string, cookie: string, init: RequestInit = {}) => fetch(url(path), { ...init, headers: { cookie } });
  const sessionOf = (res: Response) => COOKIE.exec(res.headers.get('set-cookie') ?? '')?.[0].split(';')[0] ?? '';

  it("logs in with the operator's key: 204 and an HttpOnly, SameSite=Strict cookie of 256 random bits, not the key", async () => {
    const res = await login(JSON.stringify({ api_key: ADMIN_KEY }));
    expect(res.status).to.equal(204);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).to.match(COOKIE).and.not.include(ADMIN_KEY);
    expect(sessionOf(await login(JSON.stringify({ api_key: ADMIN_KEY })))).to.not.equal(sessionOf(res));
  });

  it('opens the statistics and the live stream with the cookie, and logging out ends both', async () => {
    const cookie = sessionOf(await login(JSON.stringify({ api_key: ADMIN_KEY })));
    expect((await withCookie('/api/stats', cookie)).status).to.equal(200);
    const stream = await withCookie('/api/stream', cookie);
    expect([stream.status, stream.headers.get('content-type')]).to.deep.equal([200, 'text/event-stream']);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).to.include('retry:');

    const logout = await withCookie('/api/session', cookie, { method: 'DELETE' });
    expect(logout.status).to.equal(204);
    expect(logout.headers.get('set-cookie')).to.include('reporting_session=;').and.include('Max-Age=0');
    for (;;) if ((await reader.read()).done) break; // the server ended the stream of the closed session
    for (const path of ['/api/stats', '/api/stream', '/api/report']) expect((await withCookie(path, cookie)).status, path).to.equal(401);
  });

  it("refuses a user's key (403 FORBIDDEN), an unknown key (401), and opens no session for either", async () => {
    const user = await login(JSON.stringify({ api_key: scenario().keys.a }));
    expect([user.status, await codeOf(user), user.headers.get('set-cookie')]).to.deep.equal([403, 'FORBIDDEN', null]);
    const unknown = await login(JSON.stringify({ api_key: 'tk_nobody-holds-this-key' }));
    expect([unknown.status, await codeOf(unknown), unknown.headers.get('set-cookie')]).to.deep.equal([401, 'UNAUTHENTICATED', null]);
  });

  it("refuses a login from another site's page, a body over 4 KB, and a body that is not JSON", async () => {
    const body = JSON.stringify({ api_key: ADMIN_KEY });
    for (const origin of ['http://evil.example', 'http://127.0.0.1:1', 'null']) {
      const res = await login(body, { origin });
      expect([origin, res.status, await codeOf(res), res.headers.get('set-cookie')]).to.deep.equal([origin, 403, 'FORBIDDEN', null]);
    }
    const ownOrigin = await login(body, { origin: stack().reportingUrl });
    expect(ownOrigin.status).to.equal(204);
    expect((await login(JSON.stringify({ api_key: ADMIN_KEY, padding: 'x'.repeat(5000) }))).status).to.equal(413);
    expect((await login(`api_key=${ADMIN_KEY}`, { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(415);
    expect((await login('{"api_key":')).status).to.equal(400);
  });

  it('refuses a logout from another site, and a made-up session cookie opens nothing', async () => {
    const cookie = sessionOf(await login(JSON.stringify({ api_key: ADMIN_KEY })));
    const foreign = await fetch(url('/api/session'), { method: 'DELETE', headers: { cookie, origin: 'http://evil.example' } });
    expect(foreign.status).to.equal(403);
    expect((await withCookie('/api/stats', cookie)).status).to.equal(200);
    expect((await withCookie('/api/stats', 'reporting_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).to.equal(401);
  });
});

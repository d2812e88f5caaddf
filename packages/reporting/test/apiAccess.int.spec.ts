import { apiKeyHash } from '@trading/contracts';
import { useStack } from '@trading/testkit';
import { expect } from 'chai';
import type { EventView, PriceLines, Report, Stats, UserView } from '../src/index.ts';
import { ADMIN_KEY, bearer } from './auth.ts';
import { expectedUser } from './expected.ts';
import { getJson, type Scenario } from './scenario.ts';
import { useScenario } from './useScenario.ts';

/** Every /api route answers only a key: a user's its own figures, the operator's everything. */
describe('the reporting API behind api keys', function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  const published = useScenario(stack);
  let scenario: Scenario;
  const url = (path: string) => `${stack().reportingUrl}${path}`;
  const get = <T = Record<string, unknown>>(path: string, key: string | null) => getJson<T>(url(path), key);
  const text = async (path: string, key: string) => (await fetch(url(path), { headers: bearer(key) })).text();

  before(() => {
    scenario = published.scenario();
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate: Bearer without a key, or with an unknown, revoked or malformed one', async () => {
    const [a] = scenario.users;
    const paths = [
      '/api/stats',
      '/api/dead-letters',
      `/api/report?user_id=${a}`,
      `/api/events?user_id=${a}`,
      `/api/users/${a}`,
      '/api/prices',
      '/api/stream',
      '/api/nothing',
    ];
    const attempts: Record<string, string>[] = [
      {},
      bearer('tk_nobody-holds-this-key'),
      bearer(scenario.keys.aRotated),
      { authorization: `Basic ${scenario.keys.a}` },
    ];
    for (const headers of attempts) {
      for (const path of paths) {
        const res = await fetch(url(path), { headers });
        expect([path, headers, res.status]).to.deep.equal([path, headers, 401]);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
        expect(await res.json()).to.include({ code: 'UNAUTHENTICATED' });
      }
    }
  });

  it('keeps /health and the dashboard files open', async () => {
    expect((await get('/health', null)).status).to.equal(200);
    for (const file of ['/', '/dashboard.js', '/login.js', '/charts.js', '/prices.js', '/dashboard.css'])
      expect((await fetch(url(file))).status, file).to.equal(200);
  });

  it("refuses a user's key everybody's statistics, the live stream and the dead letters (403 FORBIDDEN)", async () => {
    for (const path of ['/api/stats', '/api/stream', '/api/dead-letters']) {
      expect(await get(path, scenario.keys.a), path).to.deep.include({
        status: 403,
        body: { code: 'FORBIDDEN', message: "only the operator's key (ADMIN_API_KEY) sees everybody's figures" },
      });
    }
  });

  it("refuses a user's key another user's figures (403), and its own listings hold nothing of that user", async () => {
    const [a, b] = scenario.users;
    for (const path of [`/api/users/${a}`, `/api/report?user_id=${a}`, `/api/events?user_id=${a}`, `/api/events?user_id=${a.toUpperCase()}`]) {
      const { status, body } = await get(path, scenario.keys.b);
      expect([path, status, body.code]).to.deep.equal([path, 403, 'FORBIDDEN']);
    }
    for (const path of ['/api/report', '/api/events?limit=500']) {
      const body = await text(path, scenario.keys.b);
      expect(body, path).to.include(b).and.not.include(a);
    }
  });

  it("shows a user's key its own figures: its user, and its report and events whether it names itself or not", async () => {
    const [a] = scenario.users;
    const own = scenario.events.filter((e) => e.user_id === a);
    expect(await get<UserView>(`/api/users/${a}`, scenario.keys.a)).to.deep.equal({ status: 200, body: expectedUser(scenario.events, a) });
    for (const query of ['', `?user_id=${a}`, `?user_id=${a.toUpperCase()}`]) {
      const report = (await get<Report>(`/api/report${query}`, scenario.keys.a)).body;
      expect([report.users, report.events, report.criteria.user_id]).to.deep.equal([1, own.length, a]);
      const { events } = (await get<{ events: EventView[] }>(`/api/events${query}${query ? '&' : '?'}limit=500`, scenario.keys.a)).body;
      expect(events.map((e) => e.user_id)).to.deep.equal(own.map(() => a));
    }
  });

  it("shows any key the market's price lines, which tell nothing about anybody", async () => {
    for (const key of [scenario.keys.a, ADMIN_KEY]) {
      const { status, body } = await get<PriceLines>('/api/prices', key);
      expect([status, body.window_ms, body.lines]).to.deep.equal([200, 600_000, []]);
    }
  });

  it('shows the operator everything, and no listing carries a key or its hash', async () => {
    const [a, b] = scenario.users;
    const stats = await get<Stats>('/api/stats', ADMIN_KEY);
    expect(stats.status).to.equal(200);
    expect(stats.body.event_counts).to.include.keys('CredentialIssued', 'CredentialRevoked');
    expect((await get<UserView>(`/api/users/${b}`, ADMIN_KEY)).body).to.deep.equal(expectedUser(scenario.events, b));
    const report = (await get<Report>(`/api/report?from=${scenario.start.toISOString()}&to=${new Date().toISOString()}`, ADMIN_KEY)).body;
    expect(report.users).to.be.at.least(2);
    // Other tests of the run store events in the same database, so the newest of all may be theirs: ask per user.
    const listing = [
      await text('/api/events?limit=500', ADMIN_KEY),
      await text(`/api/events?user_id=${a}`, ADMIN_KEY),
      await text(`/api/events?user_id=${b}`, ADMIN_KEY),
    ].join('\n');
    expect(listing).to.include(`"user_id":"${a}"`).and.include(`"user_id":"${b}"`);
    for (const key of Object.values(scenario.keys)) expect(listing).to.not.include(key).and.not.include(apiKeyHash(key));
  });
});

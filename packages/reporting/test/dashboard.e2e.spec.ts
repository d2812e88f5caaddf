import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { type Stack, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { Report, Stats } from '../src/index.ts';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ADMIN_KEY } from './auth.ts';
import { scriptHistory } from './history.ts';

import { getJson, publishEvents } from './scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = new URL('../../../.tmp/screenshots/dashboard.png', import.meta.url).pathname;

/** The dashboard in a real browser while a trade goes through the gateway, Payment, Trade and Reporting. */
describe('the live dashboard in a browser', function () {
  this.timeout(120_000);
  let stack: Stack;
  let bus: Bus;
  let client: TradingClient;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const text = async (selector: string) => (await page.textContent(selector))?.trim() ?? '';

  before(async function () {
    if (!existsSync(CHROMIUM)) return this.skip(); // no browser: run infra/scripts/ensure-chromium.sh
    stack = await startStack(['gateway', 'payment', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true' });
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
    const history = scriptHistory(Date.now());
    await publishEvents(bus, history.events);
    await waitFor(async () => {
      const reports = await Promise.all(history.users.map((u) => getJson<Report>(`${stack.reportingUrl}/api/report?user_id=${u}`)));
      return reports.reduce((n, r) => n + r.body.events, 0) === history.events.length ? true : undefined;
    });
    client = await TradingClient.connect(stack.gatewayUrl);
    profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await client?.close();
    await bus?.close();
    await stack?.stop();
  });

  it('shows only a login form without a session, and nothing of the figures', async () => {
    await page.goto(stack.reportingUrl);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.isHidden('#dashboard')).to.equal(true);
    await page.fill('#login-key', 'tk_not-a-key-anybody-holds');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error:text-is("This key is not valid.")');
    expect(await page.isHidden('#dashboard')).to.equal(true);
  });

  it('shows a trade made through the gateway as it happens, without a reload', async () => {
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#status.live');
    const tradesBefore = (await getJson<Stats>(`${stack.reportingUrl}/api/stats`)).body.totals.trades;
    await page.waitForSelector(`#kpi-trades:text-is("${tradesBefore.toLocaleString('en')}")`);

    const added = await client.request({ type: 'ADD_USER' });
    const userId = String(added.user_id);
    expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount: '250000' })).to.include({ status: 'OK' });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '2', price: '61000' })).to.include({ status: 'OK' });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '500', price: '3000' })).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS' });

    await page.waitForSelector(`#kpi-trades:text-is("${(tradesBefore + 1).toLocaleString('en')}")`);
    await page.waitForSelector(`#feed li[data-type="SagaCompleted"] >> text=${userId.slice(0, 8)}`);
    await page.waitForSelector(`#feed li[data-type="SagaFailed"] >> text=${userId.slice(0, 8)}`);
    expect(await text('#outcome-legend')).to.include('INSUFFICIENT_FUNDS');
    expect(await page.locator('#chart-minutes path').count()).to.be.greaterThan(2);
    await page.waitForSelector('#feed li.fresh', { state: 'detached' }); // the highlight of new lines has faded
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie, and logging out ends it', async () => {
    const [cookie] = await context.cookies(stack.reportingUrl);
    expect(cookie).to.include({ name: 'reporting_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    const res = await fetch(`${stack.reportingUrl}/api/stats`, { headers: { cookie: `${cookie?.name}=${cookie?.value}` } });
    expect(res.status).to.equal(401);
  });
});

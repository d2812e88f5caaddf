import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Bus, connectBus } from '@trading/bus';
import { Decimal, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { closeTestMarket, type Stack, setPrices, startStack, testEnv, TradingClient, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { PriceLines, Report, Stats } from '../src/index.ts';
import type { Page } from 'playwright-core';
import { ADMIN_KEY } from './auth.ts';
import { type Browser, CHROMIUM, launchBrowser } from './browser.ts';
import { scriptHistory } from './history.ts';

import { getJson, publishEvents } from './scenario.ts';

const money = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const quantity = (value: string) => Number(value).toLocaleString('en', { maximumFractionDigits: 8 });
const SCREENSHOT = new URL('../../../.tmp/screenshots/dashboard.png', import.meta.url).pathname;

/**
 * The dashboard in a real browser while a trade goes through the gateway, Payment, Trade and Reporting, at prices the
 * test sets as the market (no market service): ticks from before the page opened, and ticks while it is open.
 */
describe('the live dashboard in a browser', function () {
  this.timeout(120_000);
  let stack: Stack;
  let bus: Bus;
  let client: TradingClient;
  let browser: Browser | undefined;
  let page: Page;
  let houseBtcBefore: string;
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
    for (const price of ['2990', '3010']) await setPrices(client, { ETH: price });
    await waitFor(async () => {
      const { body } = await getJson<PriceLines>(`${stack.reportingUrl}/api/prices`);
      return body.lines.find((l) => l.symbol === 'ETH')?.points.length === 2 ? true : undefined;
    });
    browser = await launchBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await client?.close();
    await bus?.close();
    await stack?.stop();
    await closeTestMarket();
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
    const before = (await getJson<Stats>(`${stack.reportingUrl}/api/stats`)).body;
    const tradesBefore = before.totals.trades;
    houseBtcBefore = before.house.positions.BTC ?? '0';
    await page.waitForSelector(`#kpi-trades:text-is("${tradesBefore.toLocaleString('en')}")`);

    const added = await client.request({ type: 'ADD_USER' });
    const userId = String(added.user_id);
    expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount: '250000' })).to.include({ status: 'OK' });
    for (const price of ['60900', '61050', '61000']) await setPrices(client, { BTC: price });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'BTC', amount: '2', price: '61000' })).to.include({
      status: 'OK',
      price: '61000',
      notional: '122000',
    });
    await setPrices(client, { ETH: '3000' });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'ETH', amount: '500', price: '3000' })).to.include({
      status: 'ERROR',
      code: 'INSUFFICIENT_FUNDS',
    });

    await page.waitForSelector(`#kpi-trades:text-is("${(tradesBefore + 1).toLocaleString('en')}")`);
    await page.waitForSelector(`#feed li[data-type="SagaCompleted"] >> text=${userId.slice(0, 8)}`);
    await page.waitForSelector(`#feed li[data-type="SagaFailed"] >> text=${userId.slice(0, 8)}`);
    expect(await text('#outcome-legend')).to.include('INSUFFICIENT_FUNDS');
    expect(await page.locator('#chart-minutes path').count()).to.be.greaterThan(2);
  });

  it('draws one price line per symbol, from the ticks before the page opened and those since, each with its last price', async () => {
    const points = (symbol: string) =>
      page.getAttribute(`#prices .price-line[data-symbol="${symbol}"] path`, 'd').then((d) => d?.split(/[ML]/).filter(Boolean).length);
    await waitFor(async () => ((await points('BTC')) === 3 && (await points('ETH')) === 3 ? true : undefined));
    expect(await page.locator('#prices .price-line').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-symbol')))).to.deep.equal(['BTC', 'ETH']);
    expect(await text('#prices .price-line[data-symbol="BTC"] .price')).to.equal('61,000');
    expect(await text('#prices .price-line[data-symbol="ETH"] .price')).to.equal('3,000');
    expect(await text('#prices .price-line[data-symbol="ETH"] .change')).to.equal('+0.33%'); // 2990 to 3000
  });

  it("shows the house's cash and positions, the other side of the trade made", async () => {
    const btc = new Decimal(houseBtcBefore).sub(2).toFixed(); // the house sold the user 2 BTC
    const house = await waitFor(async () => {
      const { body } = await getJson<Stats>(`${stack.reportingUrl}/api/stats`);
      return (body.house.positions.BTC ?? '0') === btc ? body.house : undefined;
    });
    await page.waitForSelector(`#house-cash:text-is("${money.format(Number(house.cash))}")`);
    await page.waitForSelector(`#house-positions li[data-symbol="BTC"] .quantity:text-is("${quantity(house.positions.BTC ?? '')}")`);
    expect(await text('#house-positions li[data-symbol="BTC"] .value')).to.equal(money.format(Number(house.positions.BTC) * 61000));
    expect(await page.locator('#house-positions li').count()).to.equal(Object.keys(house.positions).length);
    await page.waitForSelector('#feed li.fresh', { state: 'detached' }); // the highlight of new lines has faded
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie, and logging out ends it', async () => {
    const [cookie] = await browser!.context.cookies(stack.reportingUrl);
    expect(cookie).to.include({ name: 'reporting_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    const res = await fetch(`${stack.reportingUrl}/api/stats`, { headers: { cookie: `${cookie?.name}=${cookie?.value}` } });
    expect(res.status).to.equal(401);
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { closeTestMarket, type Stack, setPrices, startStack, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN_KEY } from './auth.ts';
import { type Browser, CHROMIUM, launchBrowser } from './browser.ts';

const SCREENSHOT = new URL('../../../.tmp/screenshots/timeline.png', import.meta.url).pathname;

/** The dashboard's saga timeline in a real browser: a trade placed through the gateway, clicked in the live feed. */
describe("a saga's timeline on the dashboard", function () {
  this.timeout(120_000);
  let stack: Stack;
  let client: TradingClient;
  let browser: Browser;
  let page: Page;
  let userId: string;
  const requestId = `timeline-${randomUUID().slice(0, 8)}`;
  const events = () => page.locator('#timeline-steps li').evaluateAll((items) => items.map((item) => item.getAttribute('data-event')));
  const text = async (selector: string) => (await page.textContent(selector))?.trim() ?? '';

  before(async function () {
    if (!existsSync(CHROMIUM)) return this.skip(); // no browser: run infra/scripts/ensure-chromium.sh
    stack = await startStack(['gateway', 'payment', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true' });
    client = await TradingClient.connect(stack.gatewayUrl);
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(stack.reportingUrl);
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#status.live');
  });
  after(async () => {
    await browser?.close();
    await client?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it("opens a completed BUY's timeline from its line in the live feed: each step with time, elapsed, producer and amounts", async () => {
    userId = String((await client.request({ type: 'ADD_USER' })).user_id);
    expect(await client.request({ type: 'DEPOSIT', user_id: userId, amount: '1000' })).to.include({ status: 'OK' });
    await setPrices(client, { AAPL: '190' });
    expect(await client.request({ id: requestId, type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '3', price: '190' })).to.include({ status: 'OK' });

    await page.click(`#feed li[data-type="SagaCompleted"] >> text=${userId.slice(0, 8)}`);
    await page.waitForSelector('#timeline[open] #timeline-steps li[data-event="SagaCompleted"]');
    expect(await events()).to.deep.equal(['OrderAccepted', 'FundsReserved', 'TradeRecorded', 'FundsCaptured', 'SagaCompleted']);
    expect(page.url()).to.match(/#\/sagas\/[0-9a-f-]{36}$/);
    expect([await text('#timeline-title'), await text('#timeline-state')]).to.deep.equal(['BUY 3 AAPL', 'completed']);
    expect(await text('#timeline-facts'))
      .to.include(requestId)
      .and.include(userId);
    const reserved = '#timeline-steps li[data-event="FundsReserved"]';
    expect(await text(`${reserved} .producer`)).to.equal('payment');
    expect(await text(`${reserved} .key`)).to.equal('payment.funds.reserved');
    expect(await text(`${reserved} .figures`)).to.equal('amount 570');
    expect(await text(`${reserved} .elapsed`)).to.match(/^\+[\d,]+ ms$/);
    expect(await text('#timeline-steps li[data-event="OrderAccepted"] .elapsed')).to.equal('+0 ms');
    expect(await text('#timeline-steps li[data-event="SagaCompleted"] .notes')).to.equal('COMPLETED');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('closes on its button, leaving the dashboard where it was, and opens a rejected BUY with its reason', async () => {
    await page.click('#timeline-close');
    await page.waitForSelector('#timeline', { state: 'hidden' });
    expect(new URL(page.url()).hash).to.equal('');
    await setPrices(client, { AAPL: '190' });
    expect(await client.request({ type: 'BUY', user_id: userId, symbol: 'AAPL', amount: '100', price: '190' })).to.include({ code: 'INSUFFICIENT_FUNDS' });
    await page.click(`#feed li[data-type="SagaFailed"] >> text=${userId.slice(0, 8)}`);
    await page.waitForSelector('#timeline[open] #timeline-steps li[data-event="SagaFailed"]');
    expect(await events()).to.deep.equal(['OrderAccepted', 'FundsRejected', 'SagaFailed']);
    expect(await text('#timeline-state')).to.equal('rejected');
    expect(await text('#timeline-steps li[data-event="FundsRejected"] .notes')).to.include('INSUFFICIENT_FUNDS');
    expect(await page.getAttribute('#timeline-steps li[data-event="SagaFailed"]', 'class')).to.equal('fail');
  });

  it('opens from its address, and says so when no saga has the id', async () => {
    await page.goto(`${stack.reportingUrl}/#/sagas/${randomUUID()}`);
    await page.waitForSelector('#timeline[open] #timeline-error:has-text("SAGA_NOT_FOUND")');
    await page.goto(`${stack.reportingUrl}/#/sagas/${requestId}`);
    await page.waitForSelector('#timeline[open] #timeline-steps li[data-event="SagaCompleted"]');
    expect(await text('#timeline-error')).to.equal('');
  });
});

import { existsSync } from 'node:fs';
import { closeTestMarket, publishPrices, type Stack, startStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { PriceLines } from '../src/index.ts';
import { ADMIN_KEY } from './auth.ts';
import { type Browser, CHROMIUM, launchBrowser } from './browser.ts';
import { getJson } from './scenario.ts';

/**
 * The dashboard's price lines in a real browser, fed by the gateway's ticker feed: ticks the test publishes as the
 * market reach the page through the gateway (Reporting's own stream carries none), and the page follows them again
 * by itself after the gateway restarts.
 */
describe("the dashboard's price lines from the gateway's ticker feed", function () {
  this.timeout(120_000);
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const sockets: string[] = [];
  let ticketsMinted = 0;
  // Reporting's history reaches an open page only on its 30-second poll: a tick drawn within 5 s came through the gateway.
  const price = (symbol: string) => page.textContent(`#prices .price-line[data-symbol="${symbol}"] .price`).then((t) => t?.trim());
  const points = (symbol: string) =>
    page.getAttribute(`#prices .price-line[data-symbol="${symbol}"] path`, 'd').then((d) => d?.split(/[ML]/).filter(Boolean).length ?? 0);

  before(async function () {
    if (!existsSync(CHROMIUM)) return this.skip(); // no browser: run infra/scripts/ensure-chromium.sh
    stack = await startStack(['gateway', 'trade', 'reporting'], { MARKETS_ALWAYS_OPEN: 'true' });
    await publishPrices({ XRP: '0.5025' });
    await waitFor(async () => ((await getJson<PriceLines>(`${stack.reportingUrl}/api/prices`)).body.lines.some((l) => l.symbol === 'XRP') ? true : undefined));
    browser = await launchBrowser();
    page = browser.page;
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('request', (request) => void (request.url().endsWith('/api/stream-ticket') && (ticketsMinted += 1)));
    await page.goto(stack.reportingUrl);
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#prices-live.live');
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await closeTestMarket();
  });

  it('draws the first line from Reporting, then each tick as it comes through the gateway', async () => {
    await waitFor(async () => ((await price('XRP')) === '0.5025' ? true : undefined));
    expect(new Set(sockets.map((u) => new URL(u).port))).to.deep.equal(new Set([new URL(stack.gatewayUrl).port]));
    for (const next of ['0.51', '0.515']) {
      await publishPrices({ XRP: next });
      await waitFor(async () => ((await price('XRP')) === next ? true : undefined), 5000);
    }
    expect(await points('XRP')).to.equal(3);
  });

  it('keeps no secret in storage or the address: the ticket stays in the page’s memory', async () => {
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, location.search, location.hash]')).to.deep.equal([0, 0, '', '']);
    const cookies = await browser.context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly])).to.deep.equal([['reporting_session', true]]);
    expect(sockets.every((u) => !u.includes('?'))).to.equal(true);
  });

  it('follows the ticker again by itself after the gateway restarts, and draws the ticks since', async () => {
    const gateway = stack.services.gateway[0]!;
    await gateway.kill();
    await page.waitForSelector('#prices-live.reconnecting', { timeout: 10_000 });
    const mintedBefore = ticketsMinted;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // several tries at the dead gateway
    await gateway.start();
    await page.waitForSelector('#prices-live.live', { timeout: 30_000 });
    expect(ticketsMinted - mintedBefore, 'tickets minted: one, for the socket that opened').to.equal(1);
    await publishPrices({ XRP: '0.5275' });
    await waitFor(async () => ((await price('XRP')) === '0.5275' ? true : undefined), 5000);
    expect(sockets.length).to.be.at.least(2);
  });

  it('follows the ticker again on a new ticket after a logout and a new login', async () => {
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#prices-live.live');
    await publishPrices({ XRP: '0.49' });
    await waitFor(async () => ((await price('XRP')) === '0.49' ? true : undefined), 5000);
  });
});

import { existsSync } from 'node:fs';
import { closeTestMarket, type FakeGatewayFrame, fakeGateway, publishPrices, type Stack, startStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { PriceLines } from '../src/index.ts';
import { ADMIN_KEY } from './auth.ts';
import { type Browser, CHROMIUM, launchBrowser } from './browser.ts';
import { getJson } from './scenario.ts';

/**
 * The page's side of the ticker feed, against a stand-in gateway that sends what a real one sends only in rare
 * moments: the first gateway of GATEWAY_PUBLIC_URL is down, a SNAPSHOT after the broker came back (FEED_RECOVERED),
 * an UNSUBSCRIBED for a slow reader.
 */
describe("the dashboard's price feed: failover and the gateway's notices", function () {
  this.timeout(120_000);
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let gateway: Awaited<ReturnType<typeof fakeGateway>>;
  let socket: { send(text: string): void } | undefined; // the page's socket, as the stand-in gateway holds it
  let pricesLoaded = 0;
  const subscribes = () => gateway.frames.filter((f) => f.type === 'SUBSCRIBE' && f.symbol === 'XRP');
  const price = () => page.textContent('#prices .price-line[data-symbol="XRP"] .price').then((t) => t?.trim());
  const tick = (price: string, at: Date) => ({ symbol: 'XRP', price, at: at.toISOString(), seq: at.getTime() });

  before(async function () {
    if (!existsSync(CHROMIUM)) return this.skip(); // no browser: run infra/scripts/ensure-chromium.sh
    gateway = await fakeGateway('fake', (frame: FakeGatewayFrame, ws) => {
      socket = ws;
      if (frame.type === 'LOGIN') gateway.reply(ws, frame, { type: 'LOGIN', role: 'viewer', lease_until: new Date(Date.now() + 120_000).toISOString() });
      if (frame.type === 'SUBSCRIBE') gateway.reply(ws, frame, { type: 'SUBSCRIBE', channel: 'ticker', symbol: frame.symbol, snapshot: null });
    });
    // Port 1: nothing listens there, as a gateway that is down.
    stack = await startStack(['reporting'], { GATEWAY_PUBLIC_URL: `ws://127.0.0.1:1,${gateway.url}` });
    await publishPrices({ XRP: '0.5' });
    await waitFor(async () => ((await getJson<PriceLines>(`${stack.reportingUrl}/api/prices`)).body.lines.length ? true : undefined));
    browser = await launchBrowser();
    page = browser.page;
    page.on('request', (request) => void (request.url().endsWith('/api/prices') && (pricesLoaded += 1)));
    await page.goto(stack.reportingUrl);
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await gateway?.close();
    await closeTestMarket();
  });

  it('moves on to the next gateway when the first is down, and logs in there with a ticket, never the key', async () => {
    await page.waitForSelector('#prices-live.live', { timeout: 20_000 });
    await waitFor(async () => (subscribes().length === 1 ? true : undefined));
    const [login] = gateway.frames;
    expect(login).to.include({ type: 'LOGIN' }).and.not.have.property('api_key');
    expect(String(login?.stream_ticket)).to.match(/^st1\./);
    expect(JSON.stringify(gateway.frames)).to.not.include(ADMIN_KEY);
    expect(gateway.keys).to.deep.equal([undefined]);
  });

  it('draws a TICKER, and after a FEED_RECOVERED snapshot draws it and reloads the history to fill the gap', async () => {
    socket!.send(JSON.stringify({ type: 'TICKER', ...tick('0.61', new Date()) }));
    await waitFor(async () => ((await price()) === '0.61' ? true : undefined), 5000);
    const loadedBefore = pricesLoaded;
    socket!.send(JSON.stringify({ type: 'SNAPSHOT', channel: 'ticker', symbol: 'XRP', reason: 'FEED_RECOVERED', snapshot: tick('0.62', new Date()) }));
    await waitFor(async () => ((await price()) === '0.62' ? true : undefined), 5000);
    await waitFor(async () => (pricesLoaded > loadedBefore ? true : undefined), 5000);
  });

  it('subscribes again after an UNSUBSCRIBED notice (a slow reader), and goes on drawing', async () => {
    socket!.send(JSON.stringify({ type: 'UNSUBSCRIBED', channel: 'ticker', symbol: 'XRP', code: 'SLOW_CONSUMER', message: 'slow' }));
    await waitFor(async () => (subscribes().length === 2 ? true : undefined), 5000);
    socket!.send(JSON.stringify({ type: 'TICKER', ...tick('0.63', new Date()) }));
    await waitFor(async () => ((await price()) === '0.63' ? true : undefined), 5000);
  });
});

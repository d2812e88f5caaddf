import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepublisher } from '@trading/bus';
import { exchanges } from '@trading/contracts';
import { testEnv, useStack } from '@trading/testkit';
import { expect } from 'chai';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ADMIN_KEY } from './auth.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = new URL('../../../.tmp/screenshots/dead-letters.png', import.meta.url).pathname;

/** The dashboard's dead letters panel in a real browser: what the operator sees of a message a service gave up on. */
describe("the dashboard's dead letters", function () {
  this.timeout(90_000);
  const stack = useStack(['reporting']);
  let context: BrowserContext | undefined;
  let page: Page;
  let profile: string | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) return this.skip(); // no browser: run infra/scripts/ensure-chromium.sh
    profile = mkdtempSync(join(tmpdir(), 'dlq-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('lists a dead letter, stored while nobody looked, with its queue, service, error and attempts', async () => {
    const messageId = randomUUID();
    // As Payment's bus dead-letters a message it gave up on.
    const publisher = await openRepublisher(testEnv().amqpUrl);
    try {
      const headers = {
        'x-error': `no reservation for ${messageId}`,
        'x-error-name': 'PoisonMessageError',
        'x-failed-queue': 'payment.commands',
        'x-failed-service': 'payment',
        'x-failed-at': new Date().toISOString(),
        'x-original-exchange': exchanges.domainEvents,
      };
      const content = Buffer.from('{"type":"TradeRecorded"}');
      await publisher.publish({
        exchange: exchanges.deadLetter,
        routingKey: 'trade.trade.recorded',
        content,
        properties: { messageId, headers, persistent: true },
      });
    } finally {
      await publisher.close();
    }
    await page.goto(stack().reportingUrl);
    await page.fill('#login-key', ADMIN_KEY);
    await page.click('#login button[type=submit]');
    const row = page.locator('#dlq-rows tr', { hasText: messageId });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('td').allTextContents()).to.include.members(['payment.commands', 'payment', '1']);
    expect(await row.textContent()).to.include(`PoisonMessageError: no reservation for ${messageId}`);
    expect(await page.isHidden('#dlq-empty')).to.equal(true);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.locator('#dead-letters').screenshot({ path: SCREENSHOT });
  });
});

import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { priceTickKey, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { closeTestMarket, publishPrices, testEnv, useStack, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { PriceLines } from '../src/index.ts';
import { ADMIN_KEY, bearer } from './auth.ts';
import { getJson } from './scenario.ts';

/** Reporting follows the market's ticks (the test plays the market): the price lines of the dashboard. */
describe("Reporting's price lines from the market's ticks", function () {
  this.timeout(60_000);
  const stack = useStack(['reporting']);
  let bus: Bus;
  const open: AbortController[] = [];
  const lineOf = async (symbol: string) => (await getJson<PriceLines>(`${stack().reportingUrl}/api/prices`)).body.lines.find((l) => l.symbol === symbol);

  before(async () => {
    bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('test', 'silent'), service: 'test', topology, prefetch: 1 });
  });
  after(async () => {
    for (const controller of open) controller.abort();
    await bus?.close();
    await closeTestMarket();
  });

  it("keeps each symbol's ticks as a line of [time, price] points, oldest first, over a 10-minute window", async () => {
    const ticks = [...(await publishPrices({ NTES: '95.1' })), ...(await publishPrices({ NTES: '95.25' }))];
    const line = await waitFor(async () => {
      const found = await lineOf('NTES');
      return found?.points.length === 2 ? found : undefined;
    });
    expect(line.points).to.deep.equal(ticks.map((t) => [Date.parse(t.at), t.price]));
    expect((await getJson<PriceLines>(`${stack().reportingUrl}/api/prices`)).body.window_ms).to.equal(600_000);
  });

  it("leaves ticks off Reporting's live stream: the page follows them on the gateway's ticker feed", async () => {
    const controller = new AbortController();
    open.push(controller);
    const res = await fetch(`${stack().reportingUrl}/api/stream`, { signal: controller.signal, headers: bearer(ADMIN_KEY) });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).to.include('retry:'); // the stream is open
    await publishPrices({ META: '480.5' });
    await waitFor(async () => ((await lineOf('META'))?.points.length ? true : undefined));
    const more = await Promise.race([reader.read().then((r) => decoder.decode(r.value)), new Promise<string>((resolve) => setTimeout(() => resolve(''), 500))]);
    expect(more).to.not.include('event: tick');
  });

  it('takes a tick only from the market: one published by anybody else moves no line', async () => {
    const forged = { type: 'PriceTicked', symbol: 'OIL', price: '1', at: new Date().toISOString(), seq: Number.MAX_SAFE_INTEGER };
    await bus.publish({ exchange: 'market', routingKey: priceTickKey('OIL'), messageId: randomUUID(), type: forged.type, body: forged });
    const [genuine] = await publishPrices({ OIL: '78.25' });
    const line = await waitFor(async () => {
      const found = await lineOf('OIL');
      return found?.points.length ? found : undefined;
    });
    expect(line.points).to.deep.equal([[Date.parse(genuine!.at), '78.25']]);
  });
});

import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { type PriceTicked, priceTickKey, topologyFor } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl } from './isolation.ts';
import { testEnv } from './mochaHooks.ts';
import { waitFor } from './waitFor.ts';
import type { TradingClient } from './wsClient.ts';

/*
 * The market, played by a test: price ticks published as the market service publishes them (as its broker user, on
 * the `market` exchange), so a story can set the price an order meets. Use it instead of the market service, never
 * beside it. Seqs start at the current time in microseconds, so they rise across the test run and above any earlier
 * market's.
 */
let bus: Bus | undefined;
let lastSeq = Date.now() * 1000;

async function marketBus(): Promise<Bus> {
  bus ??= await connectBus({
    url: serviceAmqpUrl(testEnv(), 'market'),
    logger: createLogger('test-market', process.env.LOG_LEVEL ?? 'warn'),
    service: 'market',
    topology: topologyFor('market'),
    prefetch: 1,
  });
  return bus;
}

export type TickOptions = { /** The tick's time; default now. An old one makes a stale price. */ at?: Date };

/** Publishes one tick per symbol; resolves with the ticks once the broker has them. */
export async function publishPrices(prices: Record<string, string>, options: TickOptions = {}): Promise<PriceTicked[]> {
  const market = await marketBus();
  const at = (options.at ?? new Date()).toISOString();
  const ticks = Object.entries(prices).map(([symbol, price]): PriceTicked => ({ type: 'PriceTicked', symbol, price, at, seq: ++lastSeq }));
  await Promise.all(
    ticks.map((tick) => market.publish({ exchange: 'market', routingKey: priceTickKey(tick.symbol), messageId: randomUUID(), type: tick.type, body: tick })),
  );
  return ticks;
}

/**
 * Publishes the prices and waits until Trade quotes them (QUOTE through `client`), so the next order meets them.
 * With several Trade instances only the one that answers the QUOTE is known to have them.
 */
export async function setPrices(client: TradingClient, prices: Record<string, string>, options: TickOptions = {}): Promise<PriceTicked[]> {
  const ticks = await publishPrices(prices, options);
  for (const tick of ticks) {
    await waitFor(async () => {
      const quote = await client.request({ type: 'QUOTE', symbol: tick.symbol });
      return quote.status === 'OK' && Number(quote.seq) >= tick.seq ? true : undefined;
    }, 10_000);
  }
  return ticks;
}

/** Closes the test market's connection (a suite's `after`). */
export async function closeTestMarket(): Promise<void> {
  await bus?.close();
  bus = undefined;
}

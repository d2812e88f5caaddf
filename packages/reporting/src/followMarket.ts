import { type Bus, followTicks } from '@trading/bus';
import type { PriceHistory } from './priceHistory.ts';

/**
 * Each new tick of the market goes into the price history, which /api/prices serves: the first draw of the
 * dashboard's price lines, which the page then extends from the gateway's ticker feed (public/ticker.js).
 */
export async function followMarket(bus: Bus, history: PriceHistory): Promise<void> {
  await followTicks(bus, (tick) => void history.take(tick));
}

import { type Bus, followTicks } from '@trading/bus';
import type { LiveStream } from './http/liveStream.ts';
import type { PriceHistory } from './priceHistory.ts';

/** Each new tick of the market goes into the price history and, as a `tick` event, to the open dashboards. */
export async function followMarket(bus: Bus, history: PriceHistory, stream: LiveStream): Promise<void> {
  await followTicks(bus, (tick) => {
    const { symbol, price, at, seq } = tick;
    if (history.take(tick)) stream.broadcast('tick', { symbol, price, at: Date.parse(at), seq });
  });
}

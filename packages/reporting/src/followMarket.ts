import type { Bus } from '@trading/bus';
import { brokerUsers, marketTickBinding, priceTicked } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import type { LiveStream } from './http/liveStream.ts';
import type { PriceHistory } from './priceHistory.ts';

/**
 * Follows the market's ticks on a private queue of this instance (market.tick.*): each new one goes into the price
 * history and, as a `tick` event, to the open dashboards. Only the market's broker user may move a price: anything
 * else is dead-lettered.
 */
export async function followMarket(bus: Bus, history: PriceHistory, stream: LiveStream): Promise<void> {
  await bus.consumePrivate([marketTickBinding], async (delivery) => {
    if (delivery.userId !== brokerUsers.market) throw new PoisonMessageError(`a price tick from ${delivery.userId ?? 'nobody'}, not the market`);
    const parsed = priceTicked.safeParse(delivery.body);
    if (!parsed.success) throw new PoisonMessageError(`not a price tick: ${parsed.error.issues[0]?.message}`);
    const { symbol, price, at, seq } = parsed.data;
    if (history.take(parsed.data)) stream.broadcast('tick', { symbol, price, at: Date.parse(at), seq });
  });
}

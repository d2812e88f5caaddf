import { brokerUsers, marketTickBinding, type PriceTicked, priceTicked } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import type { Bus } from './connectBus.ts';

/**
 * Follows the market's ticks on a private queue of this instance (market.tick.*), for Trade's price book and
 * Reporting's price lines. Only the market's broker user may move a price: a tick from anyone else, or a body that is
 * not a tick, is dead-lettered.
 */
export async function followTicks(bus: Bus, onTick: (tick: PriceTicked) => void): Promise<void> {
  await bus.consumePrivate([marketTickBinding], async (delivery) => {
    if (delivery.userId !== brokerUsers.market) throw new PoisonMessageError(`a price tick from ${delivery.userId ?? 'nobody'}, not the market`);
    const parsed = priceTicked.safeParse(delivery.body);
    if (!parsed.success) throw new PoisonMessageError(`not a price tick: ${parsed.error.issues[0]?.message}`);
    onTick(parsed.data);
  });
}

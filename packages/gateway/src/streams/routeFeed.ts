import type { Handler } from '@trading/bus';
import { brokerUsers, exchanges, priceTicked, sagaCompleted } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import type { FeedHub } from './feedHub.ts';
import { tickerMessage, tradeMessage } from './feedMessages.ts';

/** Trades remembered to show each once: a re-sent event comes within seconds, so this many is plenty. */
const RECENT_TRADES = 10_000;

/** A bounded set of the latest ids: `add` is false for an id it holds; the oldest are forgotten first. */
function recentIds(max: number) {
  const ids = new Set<string>();
  return {
    add(id: string): boolean {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value as string);
      return true;
    },
  };
}

/**
 * The handler of this gateway's feed queue: a symbol's tick goes to its ticker's sockets (only a newer one: the
 * ticker is conflated to the latest price), a completed trade to its symbol's trades sockets once, stripped of whose
 * it was. Only the market may move a price and only Trade may announce a trade: anything else is dead-lettered.
 */
export function routeFeed(hub: FeedHub): Handler {
  const recentTrades = recentIds(RECENT_TRADES);
  return async (delivery) => {
    if (delivery.exchange === exchanges.market) {
      if (delivery.userId !== brokerUsers.market) throw new PoisonMessageError(`a price tick from ${delivery.userId ?? 'nobody'}, not the market`);
      const tick = priceTicked.safeParse(delivery.body);
      if (!tick.success) throw new PoisonMessageError('not a price tick');
      if (hub.noteTick(tick.data)) hub.publish({ channel: 'ticker', key: tick.data.symbol }, tickerMessage(tick.data));
      return;
    }
    if (delivery.userId !== brokerUsers.trade) throw new PoisonMessageError(`a trade from ${delivery.userId ?? 'nobody'}, not the Trade service`);
    const completed = sagaCompleted.safeParse(delivery.body);
    if (!completed.success) throw new PoisonMessageError('not a completed trade');
    // An event published again (an outbox re-sent after a crash) is the same trade: shown once.
    if (!recentTrades.add(completed.data.trade_id)) return;
    hub.publish({ channel: 'trades', key: completed.data.symbol }, tradeMessage(completed.data));
  };
}

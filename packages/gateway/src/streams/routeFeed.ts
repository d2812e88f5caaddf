import type { Handler } from '@trading/bus';
import { accountChange, brokerUsers, exchanges, priceTicked, sagaCompleted } from '@trading/contracts';
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
 * it was, an account's change to the sockets that follow it, in order (accountFeed.ts). Only the market may move a
 * price, only Trade may announce a trade, and an account's change comes from the service it names as its source,
 * under the routing key of the account it is about: anything else is dead-lettered.
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
    if (delivery.exchange === exchanges.accounts) {
      const change = accountChange.safeParse(delivery.body);
      if (!change.success) throw new PoisonMessageError('not an account change');
      const { source, user_id } = change.data;
      if (delivery.userId !== brokerUsers[source]) throw new PoisonMessageError(`a ${source} account change from ${delivery.userId ?? 'nobody'}`);
      if (delivery.routingKey !== `account.${user_id}`) throw new PoisonMessageError(`an account change of ${user_id} under ${delivery.routingKey}`);
      hub.accounts.receive(change.data);
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

import type { Binding } from '@trading/bus';
import { type FeedChannel, gatewayFeedBindings } from '@trading/contracts';

/** One feed a socket may subscribe to: a channel and its key (a symbol; a user id for `account`). */
export type Feed = { channel: FeedChannel; key: string };

/** The uWS pub/sub topic of a feed: `ticker.BTC`, `trades.BTC` (`account.<user_id>`: a name only, sent socket by socket). */
export const topicOf = (feed: Feed): string => `${feed.channel}.${feed.key}`;

/** What this gateway binds its feed queue to while anyone on it subscribes to the feed. */
export function bindingOf(feed: Feed): Binding {
  switch (feed.channel) {
    case 'ticker':
      return gatewayFeedBindings.ticker(feed.key);
    case 'trades':
      return gatewayFeedBindings.trades;
    case 'account':
      return gatewayFeedBindings.account(feed.key);
    default: {
      const _exhaustive: never = feed.channel;
      return _exhaustive;
    }
  }
}

/** How a reply or a notice names a feed: its channel and symbol, or for `account` its user. */
export const feedNames = (feed: Feed) =>
  feed.channel === 'account' ? { channel: feed.channel, user_id: feed.key } : { channel: feed.channel, symbol: feed.key };

export const bindingKey = (binding: Binding): string => `${binding.exchange} ${binding.routingKey}`;

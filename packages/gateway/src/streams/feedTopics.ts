import type { Binding } from '@trading/bus';
import { type FeedChannel, gatewayFeedBindings } from '@trading/contracts';

/** One feed a socket may subscribe to: a channel and its key (a symbol). */
export type Feed = { channel: FeedChannel; key: string };

/** The uWS pub/sub topic of a feed: `ticker.BTC`, `trades.BTC`. */
export const topicOf = (feed: Feed): string => `${feed.channel}.${feed.key}`;

/** What this gateway binds its feed queue to while anyone on it subscribes to the feed. */
export function bindingOf(feed: Feed): Binding {
  switch (feed.channel) {
    case 'ticker':
      return gatewayFeedBindings.ticker(feed.key);
    case 'trades':
      return gatewayFeedBindings.trades;
    default: {
      const _exhaustive: never = feed.channel;
      return _exhaustive;
    }
  }
}

export const bindingKey = (binding: Binding): string => `${binding.exchange} ${binding.routingKey}`;

import { errorReply, okReply, type Reply, type SubscribeRequest, type UnsubscribeRequest } from '@trading/contracts';
import type { Connection } from '../connection.ts';
import { type PublishContext, publishRequest } from '../publishRequest.ts';
import { endRequestSpan, type RequestSpan } from '../requestSpan.ts';
import type { FeedHub, Subscription } from './feedHub.ts';
import { tickerMessage } from './feedMessages.ts';
import type { Feed } from './feedTopics.ts';
import { handleAccountSubscription } from './subscribeAccount.ts';

export type StreamContext = PublishContext & { feeds: FeedHub };

/**
 * SUBSCRIBE and UNSUBSCRIBE, answered like any request. Any authenticated socket may follow the public feeds, and
 * the accounts it may act for (subscribeAccount.ts). A
 * subscription waits for its snapshot, the symbol's latest price as Trade quotes it (which also tells an unknown
 * symbol), and joins its topic as the reply is sent: the changes follow the snapshot in order. Subscribing again to
 * a feed gets a fresh snapshot (a client that saw a gap). At most `maxPerSocket` feeds per socket.
 */
export function handleSubscription(ctx: StreamContext, connection: Connection, request: SubscribeRequest | UnsubscribeRequest, span?: RequestSpan): void {
  const answer = (reply: Reply) => {
    connection.send(reply);
    endRequestSpan(span, reply);
  };
  if (connection.identity.principal.kind === 'anonymous') return answer(errorReply(request.id, request.type, 'UNAUTHENTICATED'));
  if (request.channel === 'account') return handleAccountSubscription(ctx, connection, request, answer);
  // The request's schema makes a public feed name its symbol.
  const feed: Feed = { channel: request.channel, key: request.symbol ?? '' };
  const named = { channel: feed.channel, symbol: feed.key };
  if (request.type === 'UNSUBSCRIBE') {
    const ended = ctx.feeds.remove(connection, feed);
    return answer(okReply(request.id, request.type, ended ? `unsubscribed from ${feed.channel} ${feed.key}` : 'not subscribed', named));
  }
  const sub = ctx.feeds.add(connection, feed);
  if (!sub) return answer(errorReply(request.id, request.type, 'TOO_MANY_SUBSCRIPTIONS'));
  const quote = { id: request.id, type: 'QUOTE' as const, symbol: feed.key };
  publishRequest(ctx, connection, quote, span, { type: request.type, complete: (reply) => started(ctx, connection, sub, request, reply) });
}

/** The SUBSCRIBE reply made of Trade's quote: the feed starts with it, or is given up with its error. */
function started(ctx: StreamContext, connection: Connection, sub: Subscription, request: SubscribeRequest, quote: Reply): Reply {
  const named = { channel: sub.feed.channel, symbol: sub.feed.key };
  if (quote.status !== 'OK' && quote.code !== 'PRICE_UNAVAILABLE') {
    if (ctx.feeds.holds(connection, sub)) ctx.feeds.remove(connection, sub.feed);
    return { ...quote, id: request.id, type: request.type, ...named };
  }
  ctx.feeds.activate(connection, sub);
  const message = `subscribed to ${sub.feed.channel} ${sub.feed.key}`;
  if (sub.feed.channel !== 'ticker') return okReply(request.id, request.type, message, named);
  return okReply(request.id, request.type, message, { ...named, snapshot: snapshotOf(ctx.feeds, sub.feed.key, quote) });
}

/** The newer of Trade's quote and the last tick this gateway passed on: a ticker's snapshot (null before any price). */
function snapshotOf(feeds: FeedHub, symbol: string, quote: Reply) {
  const held = feeds.latestTick(symbol);
  const quoted = quote.status === 'OK' ? { symbol, price: String(quote.price), at: String(quote.at), seq: Number(quote.seq) } : undefined;
  const newest = held && (!quoted || held.seq > quoted.seq) ? held : quoted;
  if (!newest) return null;
  const { type: _type, ...tick } = tickerMessage(newest);
  return tick;
}

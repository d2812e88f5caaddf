import type { PriceTicked, Reply } from '@trading/contracts';
import type { Connection } from '../connection.ts';
import { publishRequest } from '../publishRequest.ts';
import { askAccountSnapshot, type SnapshotOutcome } from './accountSnapshot.ts';
import type { FeedHub } from './feedHub.ts';
import { endedNotice, tickerMessage } from './feedMessages.ts';
import { type Feed, topicOf } from './feedTopics.ts';
import type { StreamContext } from './subscribe.ts';

/** Why a live feed sends a new snapshot by itself: the gateway's feed queue was lost with the broker connection. */
export const FEED_RECOVERED = 'FEED_RECOVERED';

/**
 * After the broker came back (a restart, a lost connection), the feed queue is a new one, bound again to every feed
 * a socket here follows; whatever was published meanwhile is lost. So no gap is silent: every feed's subscribers get
 * a SNAPSHOT saying so, a ticker's with the latest price Trade quotes (asked once per symbol, on behalf of one of its
 * subscribers), a trades feed's with none (the trades in between are not replayed; TRADES has each user's own), an
 * account's with the account read again, and new numbers to count its changes from.
 */
export function recoverFeeds(ctx: StreamContext): void {
  recoverAccounts(ctx);
  const askers = new Map<string, { feed: Feed; connection: Connection }>();
  for (const [connection, subs] of ctx.feeds.sockets()) {
    for (const sub of subs.values()) if (sub.state !== 'pending' && sub.feed.channel !== 'account') askers.set(sub.topic, { feed: sub.feed, connection });
  }
  for (const { feed, connection } of askers.values()) {
    if (feed.channel !== 'ticker') {
      ctx.feeds.publish(feed, { type: 'SNAPSHOT', channel: feed.channel, symbol: feed.key, reason: FEED_RECOVERED, snapshot: null });
      continue;
    }
    // The quote's answer is not a client's: it goes to the ticker's topic, not to the socket that lent its principal.
    const asker: Connection = { ...connection, send: () => undefined };
    const quote = { id: `recover-${ctx.newId()}`, type: 'QUOTE' as const, symbol: feed.key };
    publishRequest(ctx, asker, quote, undefined, { type: 'QUOTE', complete: (reply) => announce(ctx.feeds, feed, reply) });
  }
}

function announce(feeds: FeedHub, feed: Feed, reply: Reply): Reply {
  if (reply.status === 'OK') {
    const tick: PriceTicked = { type: 'PriceTicked', symbol: feed.key, price: String(reply.price), at: String(reply.at), seq: Number(reply.seq) };
    feeds.noteTick(tick);
  }
  const latest = feeds.latestTick(feed.key);
  const { type: _type, ...snapshot } = latest ? tickerMessage(latest) : { type: '' };
  feeds.publish(feed, { type: 'SNAPSHOT', channel: feed.channel, symbol: feed.key, reason: FEED_RECOVERED, snapshot: latest ? snapshot : null });
  return reply;
}

/**
 * Each account followed here is read again (as one of its followers, once for all of them), after the feed queue
 * was bound again: its followers get nothing more until the fresh snapshot, then the changes newer than it. An
 * account that cannot be read (its owner removed, no reply in time) ends its subscriptions with a notice saying why.
 */
function recoverAccounts(ctx: StreamContext): void {
  for (const [userId, connection] of ctx.feeds.accounts.followed()) {
    ctx.feeds.accounts.restart(userId);
    askAccountSnapshot(ctx, connection, `recover-${ctx.newId()}`, userId, (outcome) => restartAccount(ctx.feeds, userId, outcome));
  }
}

function restartAccount(feeds: FeedHub, userId: string, outcome: SnapshotOutcome): void {
  const feed: Feed = { channel: 'account', key: userId };
  const followers = [...feeds.sockets()].flatMap(([connection, subs]) => {
    // A subscription still waiting for its own snapshot starts from that one.
    const sub = subs.get(topicOf(feed));
    return sub && sub.state !== 'pending' ? [{ connection, sub }] : [];
  });
  for (const { connection, sub } of followers) {
    if (!outcome.ok) {
      feeds.remove(connection, feed);
      connection.send(endedNotice(feed, outcome.reply.code ?? 'INTERNAL'));
      continue;
    }
    connection.send({ type: 'SNAPSHOT', channel: 'account', user_id: userId, reason: FEED_RECOVERED, snapshot: outcome.snapshot });
    for (const change of feeds.accounts.start(userId, sub, outcome.snapshot.seq)) connection.send(change);
  }
}

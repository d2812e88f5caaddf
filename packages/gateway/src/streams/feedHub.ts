import type { Binding, PrivateQueue } from '@trading/bus';
import type { PriceTicked } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Connection } from '../connection.ts';
import type { AccountFeed } from './accountFeed.ts';
import { bindingKey, bindingOf, type Feed, topicOf } from './feedTopics.ts';

/**
 * One socket's subscription to one feed. `pending` until its snapshot is answered (the socket is not on the topic
 * yet), `live` on the topic, `paused` off it while the socket does not read (a ticker only: feedBudget.ts).
 */
export type Subscription = {
  feed: Feed;
  topic: string;
  state: 'pending' | 'live' | 'paused';
  /** When it was paused, and the seq of the last tick published to it before (what it may still have unread). */
  pausedAt: number;
  pausedAtSeq: number;
  /** Settles once the broker has bound the feed queue to the feed (an account's snapshot is read after it). */
  bound: Promise<void>;
};

export type FeedHub = ReturnType<typeof createFeedHub>;

export type FeedHubOptions = {
  /** This gateway's feed queue, bound while anyone here subscribes to a feed. */
  queue: PrivateQueue;
  /** uWS `app.publish`: one message to every socket on the topic, fanned out in C++. */
  publish: (topic: string, text: string) => void;
  maxPerSocket: number;
  /** The `account` feeds, sent socket by socket in order (accountFeed.ts). */
  accounts: AccountFeed;
  logger: Logger;
};

/**
 * Who subscribes to what on this gateway. The broker delivers a feed to the gateway once, however many of its
 * sockets want it: the feed queue is bound when a feed gets its first subscriber and unbound when it loses its last.
 * uWS fans each message out to the sockets on its topic.
 */
export function createFeedHub(options: FeedHubOptions) {
  const bySocket = new Map<Connection, Map<string, Subscription>>();
  const bindings = new Map<string, { binding: Binding; count: number; bound: Promise<void> }>();
  /** The newest tick of each symbol this gateway received (a ticker's snapshot, and a paused ticker's catch-up). */
  const latest = new Map<string, PriceTicked>();

  const retain = (feed: Feed): Promise<void> => {
    const binding = bindingOf(feed);
    const key = bindingKey(binding);
    const held = bindings.get(key) ?? { binding, count: 0, bound: Promise.resolve() };
    held.count += 1;
    bindings.set(key, held);
    if (held.count === 1) held.bound = options.queue.bind(binding).catch(() => undefined);
    return held.bound;
  };
  const release = (feed: Feed) => {
    const key = bindingKey(bindingOf(feed));
    const held = bindings.get(key);
    if (!held) return;
    held.count -= 1;
    if (held.count > 0) return;
    bindings.delete(key);
    if (feed.channel === 'ticker') latest.delete(feed.key);
    void options.queue.unbind(held.binding);
  };
  const remove = (connection: Connection, topic: string): boolean => {
    const subs = bySocket.get(connection);
    const sub = subs?.get(topic);
    if (!subs || !sub) return false;
    subs.delete(topic);
    if (subs.size === 0) bySocket.delete(connection);
    connection.unsubscribe(topic);
    if (sub.feed.channel === 'account') options.accounts.unfollow(sub.feed.key, sub);
    release(sub.feed);
    return true;
  };

  return {
    /**
     * Starts (or restarts, for a fresh snapshot) a socket's subscription, pending its snapshot; undefined when the
     * socket already has as many as it may.
     */
    add(connection: Connection, feed: Feed): Subscription | undefined {
      const topic = topicOf(feed);
      const subs = bySocket.get(connection) ?? new Map<string, Subscription>();
      const existing = subs.get(topic);
      if (!existing && subs.size >= options.maxPerSocket) return undefined;
      if (existing) connection.unsubscribe(topic);
      if (existing && feed.channel === 'account') options.accounts.unfollow(feed.key, existing);
      const bound = existing ? (bindings.get(bindingKey(bindingOf(feed)))?.bound ?? Promise.resolve()) : retain(feed);
      const sub: Subscription = { feed, topic, state: 'pending', pausedAt: 0, pausedAtSeq: 0, bound };
      subs.set(topic, sub);
      bySocket.set(connection, subs);
      if (feed.channel === 'account') options.accounts.follow(feed.key, sub, connection);
      return sub;
    },
    /** Puts a pending subscription on its topic once its snapshot is sent; false if it was ended or replaced meanwhile. */
    activate(connection: Connection, sub: Subscription): boolean {
      if (bySocket.get(connection)?.get(sub.topic) !== sub) return false;
      sub.state = 'live';
      if (sub.feed.channel !== 'account') connection.subscribe(sub.topic);
      return true;
    },
    /** Ends one subscription (UNSUBSCRIBE, a failed snapshot, a slow reader); false if there was none. */
    remove: (connection: Connection, feed: Feed): boolean => remove(connection, topicOf(feed)),
    /** Ends every subscription of a closed socket. */
    forget(connection: Connection): void {
      for (const topic of [...(bySocket.get(connection)?.keys() ?? [])]) remove(connection, topic);
    },
    /** Whether `sub` is still the socket's subscription to its feed. */
    holds: (connection: Connection, sub: Subscription): boolean => bySocket.get(connection)?.get(sub.topic) === sub,
    /** Each socket with its subscriptions (the budget's sweep, a reconnect's fresh snapshots). */
    sockets: (): IterableIterator<[Connection, Map<string, Subscription>]> => bySocket.entries(),
    /** Records a tick; false if it is not newer than the one held (a re-delivery, or out of order). */
    noteTick(tick: PriceTicked): boolean {
      const held = latest.get(tick.symbol);
      if (held && held.seq >= tick.seq) return false;
      if (!bindings.has(bindingKey(bindingOf({ channel: 'ticker', key: tick.symbol })))) return false;
      latest.set(tick.symbol, tick);
      return true;
    },
    latestTick: (symbol: string): PriceTicked | undefined => latest.get(symbol),
    publish(feed: Feed, body: unknown): void {
      options.publish(topicOf(feed), JSON.stringify(body));
    },
    counts: () => ({ sockets: bySocket.size, bindings: bindings.size }),
    accounts: options.accounts,
    logger: options.logger,
  };
}

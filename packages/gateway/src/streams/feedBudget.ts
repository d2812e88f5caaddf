import type { FeedHub } from './feedHub.ts';
import { endedNotice, tickerMessage } from './feedMessages.ts';

export type FeedBudget = {
  /** Unread bytes above which a socket's feeds stop (below the requests' own limit, so feeds never refuse a request). */
  maxBufferedBytes: number;
  /** How long a ticker may stay paused for a socket that does not read before it is ended. */
  stallMs: number;
};

/**
 * One pass of the feeds' budget over every subscribed socket, run every few tens of milliseconds. A socket over the
 * budget stops receiving: its tickers are paused (taken off their topics; it will get the latest price, not a
 * backlog), and its trades feeds, which cannot be conflated without a silent gap, are ended with a notice. A paused
 * ticker resumes with the latest tick once the socket has read most of its backlog, or is ended with a notice after
 * `stallMs`. Its requests and their replies are never touched: the socket stays open.
 */
export function sweepFeeds(hub: FeedHub, budget: FeedBudget, now: number): void {
  for (const [connection, subs] of [...hub.sockets()]) {
    const buffered = connection.bufferedAmount();
    for (const sub of [...subs.values()]) {
      if (sub.state === 'live' && buffered > budget.maxBufferedBytes) {
        if (sub.feed.channel === 'ticker') {
          connection.unsubscribe(sub.topic);
          sub.state = 'paused';
          sub.pausedAt = now;
          sub.pausedAtSeq = hub.latestTick(sub.feed.key)?.seq ?? 0;
        } else {
          hub.remove(connection, sub.feed);
          connection.send(endedNotice(sub.feed, 'SLOW_CONSUMER'));
        }
      } else if (sub.state === 'paused' && now - sub.pausedAt > budget.stallMs) {
        hub.remove(connection, sub.feed);
        connection.send(endedNotice(sub.feed, 'SLOW_CONSUMER'));
      } else if (sub.state === 'paused' && buffered <= budget.maxBufferedBytes / 4) {
        const tick = hub.latestTick(sub.feed.key);
        if (tick && tick.seq > sub.pausedAtSeq) connection.send(tickerMessage(tick));
        hub.activate(connection, sub);
      }
    }
  }
}

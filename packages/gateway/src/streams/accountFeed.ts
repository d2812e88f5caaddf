import { type AccountChange, type AccountSource, accountSources } from '@trading/contracts';
import type { Clock } from '../clock.ts';
import type { Connection } from '../connection.ts';

/** The last number of each source's changes that a snapshot includes, or that a socket was sent. */
export type AccountSeq = Record<AccountSource, number>;

export type AccountFeedOptions = {
  clock: Clock;
  /**
   * How long a change that comes ahead of its predecessor waits for it. Each producer numbers one user's changes in
   * commit order, but two of its transactions (two instances, or a publish retried by the outbox's sweep after a lost
   * connection) may reach the broker the other way round: held this long, they are passed on in order. A number still
   * missing after it is a real loss: the changes after it go on, and the client sees the gap.
   */
  holdMs: number;
  /** Changes kept per account for a subscription whose snapshot arrives after them. */
  keep: number;
};

/** One source's changes of one account: the last passed on (unknown until a snapshot says), and those held. */
type Lane = { last: number | undefined; held: Map<number, AccountChange>; timer: { cancel(): void } | undefined };
/** A socket following the account: `sent` is undefined while it waits for its snapshot. */
type Follower = { connection: Connection; sent: AccountSeq | undefined };
type Account = { lanes: Record<AccountSource, Lane>; recent: AccountChange[]; followers: Map<object, Follower> };

const newLane = (): Lane => ({ last: undefined, held: new Map(), timer: undefined });
const newLanes = (): Record<AccountSource, Lane> => ({ payment: newLane(), trade: newLane() });

/**
 * The `account` feeds of one gateway: each followed account's changes, put in order per source and sent to each of
 * its sockets once, each socket from the numbers of its own snapshot on. The changes are sent socket by socket, not
 * fanned out by uWS: an account has a handful of followers (its owner's sockets, the operator), and each may be at
 * another number (one subscribed a moment ago, from a snapshot a change or two ahead of the others').
 */
export function createAccountFeed(options: AccountFeedOptions) {
  const accounts = new Map<string, Account>();

  const sendTo = (follower: Follower, change: AccountChange) => {
    if (!follower.sent || change.seq <= follower.sent[change.source]) return;
    follower.sent[change.source] = change.seq;
    follower.connection.send(change);
  };
  const pass = (account: Account, change: AccountChange) => {
    account.recent.push(change);
    if (account.recent.length > options.keep) account.recent.shift();
    for (const follower of account.followers.values()) sendTo(follower, change);
  };
  /** Passes on what follows the last change in order; waits `holdMs` for a missing one (or for a first snapshot). */
  const drain = (account: Account, lane: Lane) => {
    if (lane.last !== undefined) {
      for (let next = lane.held.get(lane.last + 1); next; next = lane.held.get(lane.last + 1)) {
        lane.held.delete(next.seq);
        lane.last = next.seq;
        pass(account, next);
      }
    }
    if (lane.held.size === 0) {
      lane.timer?.cancel();
      lane.timer = undefined;
    } else lane.timer ??= options.clock.schedule(() => release(account, lane), options.holdMs);
  };
  /** The wait is over: what is held goes on in order, past the gap. */
  const release = (account: Account, lane: Lane) => {
    lane.timer = undefined;
    const held = [...lane.held.values()].sort((a, b) => a.seq - b.seq);
    lane.held.clear();
    for (const change of held) {
      if (lane.last !== undefined && change.seq <= lane.last) continue;
      lane.last = change.seq;
      pass(account, change);
    }
  };
  /** A snapshot's numbers are where a lane that has none starts: older changes are dropped, newer ones go on. */
  const baseline = (account: Account, seq: AccountSeq) => {
    for (const source of accountSources) {
      const lane = account.lanes[source];
      if (lane.last !== undefined) continue;
      lane.last = seq[source];
      for (const held of lane.held.keys()) if (held <= seq[source]) lane.held.delete(held);
      drain(account, lane);
    }
  };
  const reset = (account: Account) => {
    for (const lane of Object.values(account.lanes)) lane.timer?.cancel();
    account.lanes = newLanes();
    account.recent = [];
  };

  return {
    /** A socket's subscription begins (pending its snapshot): the account's changes are kept from now on. */
    follow(userId: string, key: object, connection: Connection): void {
      const account = accounts.get(userId) ?? { lanes: newLanes(), recent: [], followers: new Map() };
      accounts.set(userId, account);
      account.followers.set(key, { connection, sent: undefined });
    },
    /** A subscription ends; the account is forgotten with its last follower. */
    unfollow(userId: string, key: object): void {
      const account = accounts.get(userId);
      if (!account?.followers.delete(key) || account.followers.size > 0) return;
      reset(account);
      accounts.delete(userId);
    },
    /**
     * The subscription's snapshot was answered: from now on it gets every change newer than the snapshot. Answers the
     * changes that came before it and are newer, which the caller sends right after the snapshot's reply.
     */
    start(userId: string, key: object, seq: AccountSeq): AccountChange[] {
      const account = accounts.get(userId);
      const follower = account?.followers.get(key);
      if (!account || !follower) return [];
      baseline(account, seq);
      const sent = { ...seq };
      const backlog = account.recent.filter((change) => change.seq > sent[change.source]);
      for (const change of backlog) sent[change.source] = Math.max(sent[change.source], change.seq);
      follower.sent = sent;
      return backlog;
    },
    /** A change from the broker; false when no socket here follows its account (it is dropped). */
    receive(change: AccountChange): boolean {
      const account = accounts.get(change.user_id);
      if (!account) return false;
      const lane = account.lanes[change.source];
      if ((lane.last !== undefined && change.seq <= lane.last) || lane.held.has(change.seq)) return true; // sent again
      lane.held.set(change.seq, change);
      drain(account, lane);
      return true;
    },
    /** After a lost broker connection: every follower waits for a fresh snapshot, and the numbers start again from it. */
    restart(userId: string): void {
      const account = accounts.get(userId);
      if (!account) return;
      reset(account);
      for (const follower of account.followers.values()) follower.sent = undefined;
    },
    /** The accounts followed here and one connection of each (to ask for a snapshot as). */
    followed(): [string, Connection][] {
      return [...accounts].flatMap(([userId, account]) => {
        const first = account.followers.values().next().value;
        return first ? [[userId, first.connection] as [string, Connection]] : [];
      });
    },
    counts: () => ({ accounts: accounts.size }),
  };
}

export type AccountFeed = ReturnType<typeof createAccountFeed>;

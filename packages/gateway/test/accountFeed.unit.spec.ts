import type { AccountChange } from '@trading/contracts';
import { expect } from 'chai';
import { createAccountFeed } from '../src/streams/accountFeed.ts';
import { fakeClock, fakeConnection } from './fakes.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const at = '2026-01-01T00:00:00.000Z';
const funds = (seq: number, balance = String(seq), user = USER): AccountChange => ({
  type: 'ACCOUNT',
  source: 'payment',
  seq,
  user_id: user,
  at,
  change: 'FUNDS',
  balance,
  reserved: '0',
  cause: { kind: 'DEPOSIT' },
});
const holding = (seq: number): AccountChange => ({
  type: 'ACCOUNT',
  source: 'trade',
  seq,
  user_id: USER,
  at,
  change: 'HOLDING',
  symbol: 'BTC',
  quantity: '1',
  reserved: '0',
});

function setup() {
  const time = fakeClock();
  const feed = createAccountFeed({ clock: time.clock, holdMs: 100, keep: 5 });
  const socket = fakeConnection('s1');
  const sub = {};
  feed.follow(USER, sub, socket.connection);
  const seqs = () => (socket.sent as unknown as AccountChange[]).map((c) => `${c.source[0]}${c.seq}`);
  return { time, feed, socket, sub, seqs };
}

describe('the account feed of a gateway', () => {
  it('sends nothing before the snapshot, then the changes newer than it, then each change in order', () => {
    const { feed, sub, seqs } = setup();
    feed.receive(funds(5));
    feed.receive(funds(6));
    feed.receive(holding(3));
    expect(seqs()).to.deep.equal([]);
    const backlog = feed.start(USER, sub, { payment: 5, trade: 2 });
    expect(backlog.map((c) => `${c.source[0]}${c.seq}`)).to.deep.equal(['p6', 't3']);
    feed.receive(funds(7));
    feed.receive(holding(4));
    expect(seqs()).to.deep.equal(['p7', 't4']);
  });

  it('drops a change sent again and one the snapshot already includes', () => {
    const { feed, sub, seqs } = setup();
    feed.start(USER, sub, { payment: 3, trade: 0 });
    for (const seq of [2, 3, 4, 4, 3, 5]) feed.receive(funds(seq));
    expect(seqs()).to.deep.equal(['p4', 'p5']);
  });

  it('puts changes that cross on their way back in order, holding the later one until its predecessor comes', () => {
    const { feed, sub, seqs, time } = setup();
    feed.start(USER, sub, { payment: 1, trade: 0 });
    feed.receive(funds(3));
    feed.receive(funds(4));
    expect(seqs()).to.deep.equal([]);
    time.advance(50);
    feed.receive(funds(2));
    expect(seqs()).to.deep.equal(['p2', 'p3', 'p4']);
    expect(time.active()).to.equal(0);
  });

  it('passes on what it held after the wait when the missing change never comes: the client sees the gap', () => {
    const { feed, sub, seqs, time } = setup();
    feed.start(USER, sub, { payment: 1, trade: 0 });
    feed.receive(funds(4));
    feed.receive(funds(3));
    time.advance(100);
    expect(seqs()).to.deep.equal(['p3', 'p4']);
    feed.receive(funds(2)); // too late: older than what was passed on
    feed.receive(funds(5));
    expect(seqs()).to.deep.equal(['p3', 'p4', 'p5']);
  });

  it("keeps each source's numbers apart", () => {
    const { feed, sub, seqs } = setup();
    feed.start(USER, sub, { payment: 10, trade: 2 });
    feed.receive(holding(3));
    feed.receive(funds(11));
    feed.receive(holding(4));
    expect(seqs()).to.deep.equal(['t3', 'p11', 't4']);
  });

  it('starts a second socket from its own snapshot, a change ahead of the first one, and sends each change to each once', () => {
    const { feed, sub, socket, seqs } = setup();
    feed.start(USER, sub, { payment: 1, trade: 0 });
    const second = fakeConnection('s2');
    const secondSub = {};
    feed.follow(USER, secondSub, second.connection);
    // Its snapshot already includes change 2, which has not reached the gateway yet.
    expect(feed.start(USER, secondSub, { payment: 2, trade: 0 })).to.deep.equal([]);
    feed.receive(funds(2));
    feed.receive(funds(3));
    expect(seqs()).to.deep.equal(['p2', 'p3']);
    expect((second.sent as unknown as AccountChange[]).map((c) => c.seq)).to.deep.equal([3]);
    expect(socket.sent).to.have.length(2);
  });

  it('ignores the changes of an account nobody here follows, and forgets an account with its last follower', () => {
    const { feed, sub } = setup();
    expect(feed.receive(funds(1, '1', OTHER))).to.equal(false);
    feed.unfollow(USER, sub);
    expect(feed.receive(funds(1))).to.equal(false);
    expect(feed.counts()).to.deep.equal({ accounts: 0 });
  });

  it('after a lost broker connection sends nothing until the fresh snapshot, then counts from its numbers', () => {
    const { feed, sub, seqs } = setup();
    feed.start(USER, sub, { payment: 1, trade: 0 });
    feed.receive(funds(2));
    feed.restart(USER);
    feed.receive(funds(9));
    expect(seqs()).to.deep.equal(['p2']);
    expect(feed.start(USER, sub, { payment: 8, trade: 0 }).map((c) => c.seq)).to.deep.equal([9]);
    feed.receive(funds(10));
    expect(seqs()).to.deep.equal(['p2', 'p10']);
  });

  it('keeps at most `keep` changes for a late snapshot: the older ones are a gap its client sees', () => {
    const { feed, sub } = setup();
    for (let seq = 1; seq <= 8; seq += 1) feed.receive(funds(seq));
    const backlog = feed.start(USER, sub, { payment: 0, trade: 0 });
    expect(backlog.map((c) => c.seq)).to.deep.equal([4, 5, 6, 7, 8]);
  });
});

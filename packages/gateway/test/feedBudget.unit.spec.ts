import type { PrivateQueue } from '@trading/bus';
import { expect } from 'chai';
import { sweepFeeds } from '../src/streams/feedBudget.ts';
import { systemClock } from '../src/clock.ts';
import { createAccountFeed } from '../src/streams/accountFeed.ts';
import { createFeedHub } from '../src/streams/feedHub.ts';
import { fakeConnection, silentLogger } from './fakes.ts';

const budget = { maxBufferedBytes: 1000, stallMs: 5000 };
const tick = (seq: number, price: string) => ({ type: 'PriceTicked' as const, symbol: 'BTC', price, at: '2026-01-01T00:00:00.000Z', seq });

function setup() {
  const bound: string[] = [];
  const queue: PrivateQueue = { bind: async (b) => void bound.push(b.routingKey), unbind: async (b) => void bound.splice(bound.indexOf(b.routingKey), 1) };
  const published: { topic: string; text: string }[] = [];
  const accounts = createAccountFeed({ clock: systemClock, holdMs: 100, keep: 10 });
  const hub = createFeedHub({ queue, publish: (topic, text) => void published.push({ topic, text }), maxPerSocket: 5, accounts, logger: silentLogger });
  const socket = fakeConnection('slow');
  const topics = new Set<string>();
  socket.connection.subscribe = (topic) => topics.add(topic).has(topic);
  socket.connection.unsubscribe = (topic) => topics.delete(topic);
  for (const channel of ['ticker', 'trades'] as const) hub.activate(socket.connection, hub.add(socket.connection, { channel, key: 'BTC' })!);
  return { hub, socket, topics, bound, published };
}

describe("the feeds' budget on a socket", () => {
  it('binds a feed once for all its subscribers, and unbinds it with the last', () => {
    const { hub, socket, bound } = setup();
    const other = fakeConnection('other');
    hub.add(other.connection, { channel: 'ticker', key: 'BTC' });
    expect(bound).to.deep.equal(['market.tick.BTC', 'trade.saga.completed']);
    hub.forget(socket.connection);
    expect(bound).to.deep.equal(['market.tick.BTC']);
    hub.forget(other.connection);
    expect(bound).to.deep.equal([]);
  });

  it('leaves a socket that reads alone', () => {
    const { hub, socket, topics } = setup();
    socket.setBuffered(999);
    sweepFeeds(hub, budget, 0);
    expect([...topics]).to.deep.equal(['ticker.BTC', 'trades.BTC']);
    expect(socket.sent).to.deep.equal([]);
  });

  it('pauses the ticker of a socket over its budget and ends its trades feed with a notice; the socket stays open', () => {
    const { hub, socket, topics } = setup();
    socket.setBuffered(1001);
    sweepFeeds(hub, budget, 0);
    expect([...topics]).to.deep.equal([]);
    expect(socket.sent).to.deep.equal([{ type: 'UNSUBSCRIBED', channel: 'trades', symbol: 'BTC', code: 'SLOW_CONSUMER', message: socket.sent[0]?.message }]);
    expect(socket.ended).to.deep.equal([]);
  });

  it('resumes a paused ticker with the latest price only, once the socket has read most of its backlog', () => {
    const { hub, socket, topics } = setup();
    hub.noteTick(tick(1, '100'));
    socket.setBuffered(5000);
    sweepFeeds(hub, budget, 0);
    socket.sent.length = 0;
    for (const [seq, price] of [
      [2, '101'],
      [3, '102'],
      [4, '103'],
    ] as const)
      hub.noteTick(tick(seq, price));
    socket.setBuffered(600);
    sweepFeeds(hub, budget, 100);
    expect(topics.has('ticker.BTC')).to.equal(false); // not read enough yet
    socket.setBuffered(200);
    sweepFeeds(hub, budget, 200);
    expect(topics.has('ticker.BTC')).to.equal(true);
    expect(socket.sent).to.deep.equal([{ type: 'TICKER', symbol: 'BTC', price: '103', at: '2026-01-01T00:00:00.000Z', seq: 4 }]);
  });

  it('sends nothing on resuming when no tick came while paused', () => {
    const { hub, socket } = setup();
    hub.noteTick(tick(1, '100'));
    socket.setBuffered(5000);
    sweepFeeds(hub, budget, 0);
    socket.sent.length = 0;
    socket.setBuffered(0);
    sweepFeeds(hub, budget, 100);
    expect(socket.sent).to.deep.equal([]);
  });

  it('ends a ticker paused longer than stallMs with a notice', () => {
    const { hub, socket, bound } = setup();
    socket.setBuffered(5000);
    sweepFeeds(hub, budget, 0);
    sweepFeeds(hub, budget, 5001);
    expect(socket.sent.map((n) => [n.type, n.channel, n.code])).to.deep.equal([
      ['UNSUBSCRIBED', 'trades', 'SLOW_CONSUMER'],
      ['UNSUBSCRIBED', 'ticker', 'SLOW_CONSUMER'],
    ]);
    expect(bound).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { createPendingReplies, type PendingRequest } from '../src/pendingReplies.ts';
import { fakeClock, fakeConnection, silentLogger } from './fakes.ts';

const TIMEOUT_MS = 1000;

function setup() {
  const time = fakeClock();
  const timedOut: PendingRequest[] = [];
  const pending = createPendingReplies(time.clock, TIMEOUT_MS, (request) => timedOut.push(request));
  const request = (correlationId: string, connection = fakeConnection().connection): PendingRequest => ({
    correlationId,
    requestId: `r-${correlationId}`,
    type: 'ADD_USER',
    connection,
    log: silentLogger,
  });
  return { time, timedOut, pending, request };
}

describe('pending replies', () => {
  it('hands a waiting request to whoever takes it, once', () => {
    const { pending, request } = setup();
    pending.add(request('c1'));
    expect(pending.take('c1')?.requestId).to.equal('r-c1');
    expect(pending.take('c1')).to.equal(undefined);
  });

  it('times a request out after the reply timeout, and a later take finds nothing', () => {
    const { pending, request, time, timedOut } = setup();
    pending.add(request('c1'));
    time.advance(TIMEOUT_MS - 1);
    expect(timedOut).to.have.length(0);
    time.advance(1);
    expect(timedOut.map((r) => r.correlationId)).to.deep.equal(['c1']);
    expect(pending.take('c1')).to.equal(undefined);
  });

  it('stops the timer of a request that was answered', () => {
    const { pending, request, time, timedOut } = setup();
    pending.add(request('c1'));
    pending.take('c1');
    expect(time.active()).to.equal(0);
    time.advance(TIMEOUT_MS * 2);
    expect(timedOut).to.have.length(0);
  });

  it('counts requests per connection', () => {
    const { pending, request } = setup();
    const a = fakeConnection('a').connection;
    const b = fakeConnection('b').connection;
    pending.add(request('c1', a));
    pending.add(request('c2', a));
    pending.add(request('c3', b));
    expect([pending.countFor(a), pending.countFor(b)]).to.deep.equal([2, 1]);
    pending.take('c1');
    expect(pending.countFor(a)).to.equal(1);
  });

  it('forgets a closed connection: its requests neither time out nor take a late reply', () => {
    const { pending, request, time, timedOut } = setup();
    const closed = fakeConnection('closed').connection;
    const open = fakeConnection('open').connection;
    pending.add(request('c1', closed));
    pending.add(request('c2', open));
    expect(pending.forget(closed)).to.equal(1);
    expect(pending.take('c1')).to.equal(undefined);
    time.advance(TIMEOUT_MS);
    expect(timedOut.map((r) => r.correlationId)).to.deep.equal(['c2']);
  });

  it('resolves empty() once the last request is answered, and takeAll() empties it', async () => {
    const { pending, request } = setup();
    pending.add(request('c1'));
    pending.add(request('c2'));
    let emptied = false;
    const done = pending.empty().then(() => (emptied = true));
    pending.take('c1');
    await Promise.resolve();
    expect(emptied).to.equal(false);
    expect(pending.takeAll().map((r) => r.correlationId)).to.deep.equal(['c2']);
    await done;
    expect(emptied).to.equal(true);
  });
});

import type { Delivery } from '@trading/bus';
import { expect } from 'chai';
import { createPendingReplies } from '../src/pendingReplies.ts';
import { routeReply } from '../src/routeReply.ts';
import { fakeClock, fakeConnection, silentLogger } from './fakes.ts';

const delivery = (correlationId: string | undefined, body: unknown): Delivery => ({
  body,
  correlationId,
  messageId: 'm1',
  type: 'Reply',
  replyTo: undefined,
  headers: {},
  exchange: 'payment-response',
  routingKey: 'gateway.instance-1',
  redelivered: false,
  deliveryCount: 0,
});

function setup() {
  const time = fakeClock();
  const pending = createPendingReplies(time.clock, 1000, () => undefined);
  const a = fakeConnection('a');
  const b = fakeConnection('b');
  pending.add({ correlationId: 'c-a', requestId: 'r1', type: 'ADD_USER', connection: a.connection, log: silentLogger });
  pending.add({ correlationId: 'c-b', requestId: 'r1', type: 'ADD_USER', connection: b.connection, log: silentLogger });
  return { time, pending, a, b, route: routeReply(pending, silentLogger) };
}

describe('a reply from a service', () => {
  it('goes to the one socket whose request has its correlation id', async () => {
    const { route, a, b } = setup();
    const reply = { id: 'r1', type: 'ADD_USER', status: 'OK', message: 'user created', user_id: 'u-1' };
    await route(delivery('c-b', reply));
    expect(b.sent).to.deep.equal([reply]);
    expect(a.sent).to.have.length(0);
  });

  it('is dropped when it arrives after the timeout', async () => {
    const { route, a, time } = setup();
    time.advance(1000);
    await route(delivery('c-a', { id: 'r1' }));
    expect(a.sent).to.have.length(0);
  });

  it('is dropped when its socket closed', async () => {
    const { route, pending, a } = setup();
    pending.forget(a.connection);
    await route(delivery('c-a', { id: 'r1' }));
    expect(a.sent).to.have.length(0);
  });

  it('is dropped when it carries an unknown or no correlation id', async () => {
    const { route, a, b } = setup();
    await route(delivery('c-other', { id: 'r1' }));
    await route(delivery(undefined, { id: 'r1' }));
    expect([...a.sent, ...b.sent]).to.have.length(0);
  });

  it('is delivered only once, even if the broker redelivers it', async () => {
    const { route, a } = setup();
    await route(delivery('c-a', { id: 'r1' }));
    await route(delivery('c-a', { id: 'r1' }));
    expect(a.sent).to.have.length(1);
  });
});

import type { Delivery } from '@trading/contracts';
import { expect } from 'chai';
import { createPendingReplies } from '../src/pendingReplies.ts';
import { routeReply } from '../src/routeReply.ts';
import { fakeClock, fakeConnection, paymentAnswer, silentLogger } from './fakes.ts';

const delivery = (correlationId: string | undefined, body: unknown): Delivery => paymentAnswer(body, correlationId, { messageId: 'm1' });

function setup() {
  const time = fakeClock();
  const pending = createPendingReplies(time.clock, 1000, () => undefined);
  const a = fakeConnection('a');
  const b = fakeConnection('b');
  pending.add({ correlationId: 'c-a', requestId: 'r1', type: 'ADD_USER', connection: a.connection, log: silentLogger });
  pending.add({ correlationId: 'c-b', requestId: 'r1', type: 'ADD_USER', connection: b.connection, log: silentLogger });
  const revoked: string[] = [];
  const authenticator = { settle: () => false, revoked: (keyHash: string) => void revoked.push(keyHash) };
  const route = routeReply({ pending, authenticator, connections: [a.connection, b.connection], logger: silentLogger });
  return { time, pending, a, b, revoked, route };
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

describe('a revoked api key announced by Payment', () => {
  const keyHash = 'c'.repeat(64);
  const userId = '6f1c7d0e-3b7a-4c1e-9a7e-1f2d3c4b5a69';
  const event = { type: 'CredentialRevoked', user_id: userId, at: '2026-12-02T00:00:00.000Z', key_sha256: keyHash, reason: 'ROTATED' };
  const revokedBy = (userId: string, exchange = 'domain-events'): Delivery => ({
    ...delivery('c-a', event),
    type: 'CredentialRevoked',
    exchange,
    routingKey: 'payment.credential.revoked',
    userId,
  });

  it('closes every socket that authenticated with that key, and only those', async () => {
    const { route, a, b, revoked } = setup();
    a.connection.identity = { principal: { kind: 'user', userId }, keyHash };
    await route(revokedBy('trading-payment'));
    expect(a.ended).to.deep.equal([{ code: 1008, reason: 'api key revoked' }]);
    expect(b.ended).to.have.length(0);
    expect(revoked).to.deep.equal([keyHash]);
    expect(a.sent, 'the event is not a reply to the request with its correlation id').to.have.length(0);
  });

  it('is believed on `payment-response` too, where schema version 1 announced it', async () => {
    const { route, a, revoked } = setup();
    a.connection.identity = { principal: { kind: 'user', userId }, keyHash };
    await route({ ...revokedBy('trading-payment', 'payment-response'), schemaVersion: 1 });
    expect(a.ended).to.deep.equal([{ code: 1008, reason: 'api key revoked' }]);
    expect(revoked).to.deep.equal([keyHash]);
  });

  it('is ignored when anyone but the Payment service published it', async () => {
    const { route, a, revoked } = setup();
    a.connection.identity = { principal: { kind: 'user', userId }, keyHash };
    await route(revokedBy('trading-trade'));
    await route(revokedBy('guest'));
    expect(a.ended).to.have.length(0);
    expect(revoked).to.have.length(0);
  });
});

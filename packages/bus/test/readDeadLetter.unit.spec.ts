import type { Delivery } from '@trading/contracts';
import { expect } from 'chai';
import { readDeadLetter } from '../src/index.ts';

const now = new Date('2026-12-02T12:00:00.000Z');

const delivery = (headers: Record<string, unknown>, over: Partial<Delivery> = {}): Delivery => ({
  body: { type: 'DEPOSIT' },
  messageId: 'm-1',
  type: 'DEPOSIT',
  correlationId: 'c-1',
  replyTo: undefined,
  userId: 'trading-payment',
  headers,
  exchange: 'dead-letter',
  routingKey: 'payment.deposit',
  redelivered: false,
  deliveryCount: 0,
  schemaVersion: 2,
  raw: { content: Buffer.from('{"type":"DEPOSIT"}'), properties: { messageId: 'm-1', timestamp: 1_796_202_000, headers } },
  ...over,
});

describe('reading a dead letter', () => {
  it("takes the bus's reason, the failed queue and the publisher's exchange and user from its headers", () => {
    const facts = readDeadLetter(
      delivery({
        'x-error': 'bad',
        'x-error-name': 'PoisonMessageError',
        'x-failed-queue': 'payment.commands',
        'x-failed-service': 'payment',
        'x-failed-at': '2026-12-02T11:00:00.000Z',
        'x-original-user-id': 'trading-gateway',
        'x-original-exchange': 'payment',
      }),
      now,
    );
    expect(facts).to.deep.include({
      messageId: 'm-1',
      failedQueue: 'payment.commands',
      failedService: 'payment',
      error: 'bad',
      errorName: 'PoisonMessageError',
      failureKey: 'bus:2026-12-02T11:00:00.000Z',
      exchange: 'payment',
      routingKey: 'payment.deposit',
      publisher: 'trading-gateway',
      body: '{"type":"DEPOSIT"}',
    });
    expect(facts.failedAt.toISOString()).to.equal('2026-12-02T11:00:00.000Z');
    expect(facts.publishedAt?.toISOString()).to.equal('2026-12-02T09:00:00.000Z');
  });

  it("takes the broker's newest x-death entry after a delivery limit, and the message's own user-id as its publisher", () => {
    const death = { queue: 'trade.commands', reason: 'delivery_limit', count: 2, exchange: 'api', 'routing-keys': ['trade.buy'], time: 1_796_209_200 };
    const facts = readDeadLetter(delivery({ 'x-death': [death, { ...death, queue: 'older' }] }, { userId: 'trading-gateway' }), now);
    expect(facts).to.deep.include({
      failedQueue: 'trade.commands',
      failedService: 'broker',
      errorName: 'delivery_limit',
      exchange: 'api',
      routingKey: 'trade.buy',
      publisher: 'trading-gateway',
      failureKey: 'x-death:2:2026-12-02T11:00:00.000Z',
    });
  });

  it('names a message without a message id by the hash of its body, and one without a reason as unknown, failed now', () => {
    const facts = readDeadLetter(delivery({}, { messageId: undefined }), now);
    expect(facts.messageId).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(facts).to.deep.include({ failedQueue: 'unknown', failedService: 'unknown', failedAt: now });
  });
});

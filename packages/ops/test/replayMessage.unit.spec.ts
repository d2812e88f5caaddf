import type { DeadLetter } from '@trading/db';
import { expect } from 'chai';
import { replayMessage } from '../src/dlq/replayMessage.ts';

const deadLetter = (headers: Record<string, unknown>): DeadLetter => ({
  id: '6f1c3c8e-9d7a-4f5e-8a2b-1c0d9e8f7a6b',
  messageId: 'm-1',
  failedQueue: 'payment.commands',
  failedService: 'payment',
  error: 'bad',
  errorName: 'PoisonMessageError',
  attempts: 2,
  firstFailedAt: new Date(),
  lastFailedAt: new Date(),
  exchange: 'payment',
  routingKey: 'payment.deposit',
  publisher: 'trading-gateway',
  publishedAt: null,
  type: 'DEPOSIT',
  properties: { messageId: 'm-1', correlationId: 'c-1', type: 'DEPOSIT', contentType: 'application/json', userId: 'trading-payment', headers },
  body: '{"type":"DEPOSIT"}',
  state: 'waiting',
  stateChangedAt: new Date(),
  stateChangedBy: null,
});

describe('the message a replay publishes', () => {
  it('keeps the ids, the schema version, the trace context and any unknown header, and drops what its failures added', () => {
    const message = replayMessage(
      deadLetter({
        'x-schema-version': 2,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-principal': 'admin',
        'x-error': 'bad',
        'x-error-name': 'PoisonMessageError',
        'x-failed-queue': 'payment.commands',
        'x-failed-service': 'payment',
        'x-failed-at': '2026-12-02T11:00:00.000Z',
        'x-original-user-id': 'trading-gateway',
        'x-original-exchange': 'payment',
        'x-death': [{ queue: 'payment.commands' }],
        'x-first-death-queue': 'payment.commands',
        'x-delivery-count': 4,
      }),
      'trading-gateway',
    );
    expect(message).to.deep.include({ exchange: 'payment', routingKey: 'payment.deposit' });
    expect(message.content.toString()).to.equal('{"type":"DEPOSIT"}');
    expect(message.properties).to.deep.equal({
      messageId: 'm-1',
      correlationId: 'c-1',
      type: 'DEPOSIT',
      contentType: 'application/json',
      persistent: true,
      userId: 'trading-gateway',
      headers: { 'x-schema-version': 2, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-principal': 'admin' },
    });
  });

  it('stamps no user-id when it goes out as someone else than the publisher', () => {
    expect(replayMessage(deadLetter({}), undefined).properties).not.to.have.property('userId');
  });
});

import { randomUUID } from 'node:crypto';
import { type DomainEvent, eventMessage, exchanges, type OutgoingMessage, packEvents, replyMessage } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import { expect } from 'chai';
import { readEventBatch } from '../src/index.ts';

const at = '2026-11-25T10:00:00.000Z';
const deposited = (user_id: string): DomainEvent => ({ type: 'FundsDeposited', user_id, at, amount: '5', available: '5' });
const created = (user_id: string): DomainEvent => ({ type: 'UserCreated', user_id, at });

describe('events packed for the events fanout', () => {
  const user = randomUUID();
  const reply = replyMessage({ replyTo: 'gateway.g1', correlationId: 'c1' }, exchanges.paymentResponse, {
    id: 'r1',
    type: 'DEPOSIT',
    status: 'OK',
    message: 'ok',
  });
  const first = eventMessage(exchanges.events, created(user), 'c1');
  const second = eventMessage(exchanges.events, deposited(user), 'c1');
  const answer = eventMessage(exchanges.paymentResponse, deposited(user), 'c1', second.messageId);

  it('packs the events of one transaction, in order, into one EventBatch and keeps every other message as it is', () => {
    const packed = packEvents([first, ...reply, second, answer]);
    expect(packed.slice(0, 2)).to.deep.equal([...reply, answer]);
    const batch = packed[2] as OutgoingMessage;
    expect(packed).to.have.length(3);
    expect(batch).to.include({ exchange: exchanges.events, routingKey: '', type: 'EventBatch' });
    expect(batch.messageId).to.not.be.oneOf([first.messageId, second.messageId]);
    expect(readEventBatch(batch)).to.deep.equal([
      { id: first.messageId, routing_key: 'payment.user.created', correlation_id: 'c1', event: created(user) },
      { id: second.messageId, routing_key: 'payment.funds.deposited', correlation_id: 'c1', event: deposited(user) },
    ]);
  });

  it('adds no batch when the transaction wrote no event', () => {
    expect(packEvents([...reply, answer])).to.deep.equal([...reply, answer]);
    expect(packEvents([])).to.deep.equal([]);
  });

  it('refuses as poison a body that is not an EventBatch, naming what is wrong', () => {
    const batch = packEvents([first])[0] as OutgoingMessage;
    const broken = { type: 'EventBatch', events: [{ id: 'not-a-uuid', routing_key: 'payment.user.created', event: created(user) }] };
    expect(() => readEventBatch({ body: broken })).to.throw(PoisonMessageError, /events\.0\.id/);
    expect(() => readEventBatch({ body: { type: 'EventBatch', events: [] } })).to.throw(PoisonMessageError, /not an EventBatch/);
    expect(() => readEventBatch({ body: created(user) })).to.throw(PoisonMessageError);
    expect(readEventBatch(batch)).to.have.length(1);
  });
});

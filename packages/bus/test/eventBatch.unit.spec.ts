import { randomUUID } from 'node:crypto';
import { type DomainEvent, eventMessage, exchanges, type OutgoingMessage, packEvents, REANNOUNCED_HEADER, replyMessage } from '@trading/contracts';
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
  const first = eventMessage(created(user), 'c1');
  const second = eventMessage(deposited(user), 'c1');

  it('keeps each event on `domain-events` and every other message as it is, and adds one EventBatch of the events, in order', () => {
    expect([first, second].map((m) => [m.exchange, m.routingKey])).to.deep.equal([
      [exchanges.domainEvents, 'payment.user.created'],
      [exchanges.domainEvents, 'payment.funds.deposited'],
    ]);
    const packed = packEvents([first, ...reply, second]);
    expect(packed).to.have.length(4);
    expect(packed.slice(0, 3)).to.deep.equal([first, ...reply, second]);
    const batch = packed[3] as OutgoingMessage;
    expect(batch).to.include({ exchange: exchanges.events, routingKey: '', type: 'EventBatch' });
    expect(batch.messageId).to.not.be.oneOf([first.messageId, second.messageId]);
    expect(readEventBatch(batch)).to.deep.equal([
      { id: first.messageId, routing_key: 'payment.user.created', correlation_id: 'c1', event: created(user) },
      { id: second.messageId, routing_key: 'payment.funds.deposited', correlation_id: 'c1', event: deposited(user) },
    ]);
  });

  it('leaves a re-announced event out of the batch: Reporting has it already', () => {
    const again = eventMessage(deposited(user), 'c1', { reannounced: true });
    expect(again.headers).to.deep.equal({ [REANNOUNCED_HEADER]: 'true' });
    const packed = packEvents([first, again]);
    expect(packed.slice(0, 2)).to.deep.equal([first, again]);
    expect(packed).to.have.length(3);
    expect(readEventBatch(packed[2] as OutgoingMessage).map((entry) => entry.id)).to.deep.equal([first.messageId]);
    expect(packEvents([again, ...reply]), 'only re-announced events: no batch').to.deep.equal([again, ...reply]);
  });

  it('adds no batch when the transaction wrote no event', () => {
    expect(packEvents([...reply])).to.deep.equal([...reply]);
    expect(packEvents([])).to.deep.equal([]);
  });

  it('reads a version 1 batch as version 2 names its events: a SagaStarted is an OrderAccepted', () => {
    const facts = { user_id: user, saga_id: randomUUID(), side: 'BUY', symbol: 'ETH', quantity: '1', price: '3000', notional: '3000', at };
    const v1 = { type: 'EventBatch', events: [{ id: randomUUID(), routing_key: 'trade.saga.started', event: { type: 'SagaStarted', ...facts } }] };
    expect(readEventBatch({ body: v1 })).to.deep.equal([
      { id: v1.events[0]?.id, routing_key: 'trade.order.accepted', event: { type: 'OrderAccepted', ...facts } },
    ]);
  });

  it('refuses as poison a body that is not an EventBatch, naming what is wrong', () => {
    const batch = packEvents([first])[1] as OutgoingMessage;
    const broken = { type: 'EventBatch', events: [{ id: 'not-a-uuid', routing_key: 'payment.user.created', event: created(user) }] };
    expect(() => readEventBatch({ body: broken })).to.throw(PoisonMessageError, /events\.0\.id/);
    expect(() => readEventBatch({ body: { type: 'EventBatch', events: [] } })).to.throw(PoisonMessageError, /not an EventBatch/);
    expect(() => readEventBatch({ body: created(user) })).to.throw(PoisonMessageError);
    expect(readEventBatch(batch)).to.have.length(1);
  });
});

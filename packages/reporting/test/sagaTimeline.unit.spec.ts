import { expect } from 'chai';
import { parseSagaKey } from '../src/http/sagaRoute.ts';
import { toTimeline } from '../src/sagaTimeline.ts';
import { toStoredEvent } from '../src/storedEvent.ts';

const user = '11111111-1111-4111-8111-111111111111';
const saga = '22222222-2222-4222-8222-222222222222';
const facts = { user_id: user, saga_id: saga, side: 'BUY' as const, symbol: 'AAPL', quantity: '3', price: '10.5', notional: '31.5', limit_price: null };
const row = (seq: number, source: string, at: string, payload: unknown) => ({ seq: String(seq), source, at, payload });

describe('a saga timeline from its stored events', () => {
  it('is RUNNING, with no end, until Trade announces the outcome; elapsed times count from the first event', () => {
    const timeline = toTimeline(saga, [
      row(7, 'trade', '2026-01-01T10:00:00.000Z', { type: 'OrderAccepted', ...facts, reserve: '31.6', request_id: 42, at: '2026-01-01T10:00:00.000Z' }),
      row(9, 'payment', '2026-01-01T10:00:00.250Z', { type: 'FundsReserved', user_id: user, saga_id: saga, amount: '31.6', at: '2026-01-01T10:00:00.250Z' }),
    ]);
    expect(timeline).to.include({ order_id: saga, request_id: 42, state: 'RUNNING', limit_price: null, ended_at: null, duration_ms: null });
    expect(timeline.steps.map((s) => [s.seq, s.event, s.producer, s.routing_key, s.elapsed_ms, s.amounts])).to.deep.equal([
      ['7', 'OrderAccepted', 'trade', 'trade.order.accepted', 0, { reserve: '31.6', quantity: '3', price: '10.5', notional: '31.5' }],
      ['9', 'FundsReserved', 'payment', 'payment.funds.reserved', 250, { amount: '31.6' }],
    ]);
  });

  it("takes a failed saga's outcome, code and reason from its SagaFailed, and reads a version 1 SagaStarted as OrderAccepted", () => {
    const at = '2026-01-01T10:00:01.000Z';
    const timeline = toTimeline(saga, [
      row(1, 'trade', '2026-01-01T10:00:00.000Z', { type: 'SagaStarted', ...facts, at: '2026-01-01T10:00:00.000Z' }),
      row(2, 'trade', at, { type: 'SagaFailed', ...facts, outcome: 'TIMED_OUT', code: 'SAGA_TIMEOUT', reason: 'no answer', duration_ms: 1000, at }),
    ]);
    expect(timeline).to.include({ request_id: null, state: 'TIMED_OUT', code: 'SAGA_TIMEOUT', reason: 'no answer', ended_at: at, duration_ms: 1000 });
    expect(timeline.steps.map((s) => [s.event, s.outcome, s.code, s.reason])).to.deep.equal([
      ['OrderAccepted', undefined, undefined, undefined],
      ['SagaFailed', 'TIMED_OUT', 'SAGA_TIMEOUT', 'no answer'],
    ]);
  });

  it("stores an OrderAccepted's request id as text, and none on any other event", () => {
    const at = '2026-01-01T10:00:00Z';
    expect(toStoredEvent(saga, 'trade', { type: 'OrderAccepted', ...facts, request_id: 42, at }).requestId).to.equal('42');
    expect(toStoredEvent(saga, 'trade', { type: 'OrderAccepted', ...facts, at }).requestId).to.equal(null);
    expect(toStoredEvent(saga, 'trade', { type: 'TradeRecorded', ...facts, trade_id: saga, at }).requestId).to.equal(null);
  });
});

describe('the id of GET /api/sagas/<id>', () => {
  it('is an order id (lower-cased) or a request id as sent, percent-decoded', () => {
    expect(parseSagaKey(saga.toUpperCase())).to.deep.equal({ text: saga.toUpperCase(), uuid: saga });
    expect(parseSagaKey('order%201%2F2')).to.deep.equal({ text: 'order 1/2', uuid: null });
    expect(parseSagaKey('42')).to.deep.equal({ text: '42', uuid: null });
  });

  it('is refused when it cannot be a request id: broken encoding, a control character, over 128 characters', () => {
    for (const segment of ['%E0%A4%A', '%00', 'a%0Ab', 'x'.repeat(129)]) expect(parseSagaKey(segment), segment).to.equal(null);
    expect(parseSagaKey('x'.repeat(128))).to.not.equal(null);
  });
});

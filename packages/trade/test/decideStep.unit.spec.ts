import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { MarketView } from '../src/decideExecution.ts';
import { decideStep, type ExecutionContext } from '../src/decideStep.ts';
import type { Saga, SagaInput, SagaState, Side } from '../src/domain.ts';

const saga = (side: Side, state: SagaState): Saga => ({
  id: randomUUID(),
  requestId: 'r-1',
  side,
  userId: randomUUID(),
  symbol: 'BTC',
  quantity: '1',
  limitPrice: '100',
  priceBound: '100',
  reserved: side === 'BUY' ? '100.1' : null,
  execution: null,
  marketOrder: false,
  state,
  tradeId: null,
  failureCode: null,
  failureReason: null,
  createdAt: new Date('2026-01-05T10:00:00Z'),
});

const facts = { saga_id: randomUUID(), user_id: randomUUID(), at: '2026-01-05T10:00:01Z', amount: '100' };
const input = {
  reserved: { type: 'FundsReserved', ...facts },
  rejected: { type: 'FundsRejected', ...facts, code: 'INSUFFICIENT_FUNDS', reason: 'needs 100, 5 available' },
  captured: { type: 'FundsCaptured', ...facts },
  released: { type: 'FundsReleased', ...facts },
  credited: { type: 'FundsCredited', ...facts },
  creditRejected: { type: 'CreditRejected', ...facts, code: 'USER_NOT_FOUND', reason: 'no such user' },
  failed: { type: 'StepFailed', reason: 'recording the trade failed' },
  deadline: { type: 'DeadlinePassed' },
} satisfies Record<string, SagaInput>;

/** The market when the funds are reserved: BTC at `price` (tick seq 42), half a second old; a fee of 10 bps. */
const marketView = (price: string, fields: Partial<MarketView> = {}): MarketView => ({
  quote: { symbol: 'BTC', price, seq: 42, at: new Date('2026-01-05T10:00:00.500Z') },
  quoteAgeMs: 500,
  halted: false,
  now: new Date('2026-01-05T10:00:01Z'),
  ...fields,
});
const context = (price: string, fields: Partial<MarketView> = {}): ExecutionContext => ({
  market: marketView(price, fields),
  rules: { feeBps: 10, maxPriceAgeMs: 10_000 },
});
const atBound = context('100');

describe('decideStep: the BUY saga', () => {
  it('records the trade at the latest tick when the funds are reserved and the price is within the limit', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, context('99.5'))).to.deep.equal({
      kind: 'record',
      execution: { price: '99.5', notional: '99.5', fee: '0.0995', tickSeq: 42 },
    });
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, atBound)).to.deep.include({ kind: 'record' });
  });

  it('compensates with PRICE_NOT_MARKETABLE when the price moved above the limit while the funds were reserved', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, context('100.01'))).to.include({ kind: 'compensate', code: 'PRICE_NOT_MARKETABLE' });
  });

  it('compensates with PRICE_UNAVAILABLE when the last price is too old or missing', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, context('100', { quoteAgeMs: 10_001 }))).to.include({
      kind: 'compensate',
      code: 'PRICE_UNAVAILABLE',
    });
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, context('100', { quote: undefined }))).to.include({
      kind: 'compensate',
      code: 'PRICE_UNAVAILABLE',
    });
  });

  it('compensates with MARKET_HALTED when trading was halted while the funds were reserved', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.reserved, context('100', { halted: true }))).to.include({ kind: 'compensate', code: 'MARKET_HALTED' });
  });

  it('completes when the funds are captured', () => {
    expect(decideStep(saga('BUY', 'CAPTURING'), input.captured)).to.deep.equal({ kind: 'complete' });
  });

  it('is rejected with Payment’s code when the reservation is refused', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.rejected)).to.deep.equal({ kind: 'reject', code: 'INSUFFICIENT_FUNDS', reason: 'needs 100, 5 available' });
  });

  it('reports a code it does not know as INTERNAL', () => {
    expect(decideStep(saga('BUY', 'STARTED'), { ...input.rejected, code: 'SOMETHING_NEW' })).to.include({ kind: 'reject', code: 'INTERNAL' });
  });

  it('compensates a failed step after the reservation, and ends COMPENSATED when the funds are released', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.failed)).to.deep.equal({ kind: 'compensate', code: 'TRADE_FAILED', reason: 'recording the trade failed' });
    expect(decideStep(saga('BUY', 'COMPENSATING'), input.released)).to.deep.equal({ kind: 'compensated' });
  });

  it('times out while waiting for the reservation', () => {
    expect(decideStep(saga('BUY', 'STARTED'), input.deadline)).to.deep.equal({ kind: 'timeOut' });
  });

  it('releases a reservation that arrives after the saga timed out', () => {
    expect(decideStep(saga('BUY', 'TIMED_OUT'), input.reserved, atBound)).to.deep.equal({ kind: 'releaseLate' });
  });

  it('never compensates past the point of no return: it announces again the event whose reaction it awaits', () => {
    expect(decideStep(saga('BUY', 'CAPTURING'), input.deadline)).to.deep.equal({ kind: 'reannounce', event: 'TradeRecorded' });
    expect(decideStep(saga('BUY', 'COMPENSATING'), input.deadline)).to.deep.equal({ kind: 'reannounce', event: 'OrderCancelled' });
  });

  it('ignores answers its state does not expect (duplicates, late answers, another side’s events)', () => {
    expect(decideStep(saga('BUY', 'CAPTURING'), input.reserved, atBound)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('BUY', 'COMPLETED'), input.captured)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('BUY', 'TIMED_OUT'), input.rejected)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('BUY', 'TIMED_OUT'), input.released)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('BUY', 'STARTED'), input.credited)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('BUY', 'COMPLETED'), input.deadline)).to.include({ kind: 'ignore' });
  });
});

describe('decideStep: the SELL saga', () => {
  it('completes when the proceeds are credited', () => {
    expect(decideStep(saga('SELL', 'STARTED'), input.credited)).to.deep.equal({ kind: 'complete' });
  });

  it('is rejected with Payment’s code when the credit is refused', () => {
    expect(decideStep(saga('SELL', 'STARTED'), input.creditRejected)).to.deep.equal({ kind: 'reject', code: 'USER_NOT_FOUND', reason: 'no such user' });
  });

  it('keeps waiting past its deadline and announces TradeRecorded again (the credit may have happened)', () => {
    expect(decideStep(saga('SELL', 'STARTED'), input.deadline)).to.deep.equal({ kind: 'reannounce', event: 'TradeRecorded' });
  });

  it('ignores BUY answers and a failed-step input', () => {
    expect(decideStep(saga('SELL', 'STARTED'), input.reserved, atBound)).to.include({ kind: 'ignore' });
    expect(decideStep(saga('SELL', 'STARTED'), input.failed)).to.include({ kind: 'ignore' });
  });
});

import type { Decimal } from '@trading/contracts';
import { expect } from 'chai';
import { foldEvents, pairKey } from '../src/projection.ts';
import { currentType, readStoredEvent, sourceOf, storedTypes, toStoredEvent } from '../src/storedEvent.ts';

const user = '11111111-1111-4111-8111-111111111111';
const saga = '22222222-2222-4222-8222-222222222222';
const facts = { user_id: user, saga_id: saga, symbol: 'AAPL', quantity: '3', price: '10.5', notional: '31.5' };
const plain = (value: Decimal | undefined) => value?.toFixed();

describe('projection of events into statistics', () => {
  it('a completed BUY adds to the symbol volume, the user trades and holdings, and takes cash out', () => {
    const delta = foldEvents([
      { type: 'FundsDeposited', user_id: user, amount: '100', available: '100', at: '2026-01-01T10:00:05Z' },
      { type: 'SagaCompleted', side: 'BUY', ...facts, trade_id: saga, duration_ms: 42, at: '2026-01-01T10:00:59.999Z' },
    ]);
    const symbol = delta.symbols.get('AAPL');
    expect(symbol?.trades).to.equal(1);
    expect([plain(symbol?.quantityBought), plain(symbol?.quantitySold), plain(symbol?.notional)]).to.deep.equal(['3', '0', '31.5']);
    expect(plain(delta.users.get(user)?.netCashFlow)).to.equal('68.5');
    expect(plain(delta.holdings.get(pairKey(user, 'AAPL')))).to.equal('3');
    expect(delta.outcomes.get(pairKey('COMPLETED', ''))).to.deep.equal({ count: 1, lastReason: null });
    expect(delta.minutes.get('2026-01-01T10:00:00.000Z')).to.deep.equal({ events: 2, trades: 1 });
  });

  it('a failed saga counts its outcome and code with the reason, and no trade', () => {
    const delta = foldEvents([
      {
        type: 'SagaFailed',
        side: 'SELL',
        ...facts,
        outcome: 'REJECTED',
        code: 'INSUFFICIENT_HOLDINGS',
        reason: 'holds 0',
        duration_ms: 7,
        at: '2026-01-01T10:00:00Z',
      },
    ]);
    expect(delta.symbols.size).to.equal(0);
    expect(delta.outcomes.get(pairKey('REJECTED', 'INSUFFICIENT_HOLDINGS'))).to.deep.equal({ count: 1, lastReason: 'holds 0' });
    expect(delta.durations.get(saga)).to.deep.equal({ outcome: 'REJECTED', durationMs: 7 });
    expect(delta.users.get(user)?.trades).to.equal(0);
  });

  it('projects an issued, rotated and removed api key; the events count but move no money', () => {
    const [k1, k2] = ['1'.repeat(64), '2'.repeat(64)];
    const delta = foldEvents([
      { type: 'CredentialIssued', user_id: user, key_sha256: k1, at: '2026-01-01T10:00:00Z' },
      { type: 'CredentialRevoked', user_id: user, key_sha256: k1, reason: 'ROTATED', at: '2026-01-01T10:05:00Z' },
      { type: 'CredentialIssued', user_id: user, key_sha256: k2, at: '2026-01-01T10:05:00Z' },
      { type: 'CredentialRevoked', user_id: user, key_sha256: k2, reason: 'REMOVED', at: '2026-01-01T10:09:00.5Z' },
    ]);
    expect(delta.credentials.get(k1)).to.deep.equal({ userId: user, issuedAt: '2026-01-01T10:00:00Z', revokedAt: '2026-01-01T10:05:00Z' });
    expect(delta.credentials.get(k2)).to.deep.equal({ userId: user, issuedAt: '2026-01-01T10:05:00Z', revokedAt: '2026-01-01T10:09:00.5Z' });
    expect(delta.eventTypes).to.deep.equal(
      new Map([
        ['CredentialIssued', 2],
        ['CredentialRevoked', 2],
      ]),
    );
    const figures = delta.users.get(user);
    expect([figures?.trades, figures?.deposits, figures?.withdrawals, plain(figures?.netCashFlow)]).to.deep.equal([0, 0, 0, '0']);
    expect(delta.symbols.size + delta.holdings.size + delta.outcomes.size).to.equal(0);
  });

  it('gives a key the same times whatever order its events come in', () => {
    const key = '3'.repeat(64);
    const issued = { type: 'CredentialIssued' as const, user_id: user, key_sha256: key, at: '2026-01-01T10:00:00Z' };
    const revoked = { type: 'CredentialRevoked' as const, user_id: user, key_sha256: key, reason: 'ROTATED' as const, at: '2026-01-01T10:00:00.25Z' };
    expect(foldEvents([revoked, issued]).credentials.get(key)).to.deep.equal(foldEvents([issued, revoked]).credentials.get(key));
    expect(foldEvents([revoked]).credentials.get(key)).to.deep.equal({ userId: user, issuedAt: null, revokedAt: revoked.at });
  });

  it("takes the other side of each trade for the house: a BUY's capture (notional + fee) in, a SELL's credit (notional - fee) out", () => {
    const delta = foldEvents([
      {
        type: 'FundsCaptured',
        user_id: user,
        saga_id: saga,
        amount: '31.5315',
        notional: '31.5',
        fee: '0.0315',
        released: '0.4685',
        at: '2026-01-01T10:00:00Z',
      },
      { type: 'SagaCompleted', side: 'BUY', ...facts, fee: '0.0315', trade_id: saga, duration_ms: 42, at: '2026-01-01T10:00:00Z' },
      { type: 'FundsCredited', user_id: user, saga_id: saga, amount: '12', fee: '0.012', at: '2026-01-01T10:01:00Z' },
      {
        type: 'SagaCompleted',
        side: 'SELL',
        ...facts,
        quantity: '1',
        price: '12',
        notional: '12',
        fee: '0.012',
        trade_id: saga,
        duration_ms: 9,
        at: '2026-01-01T10:01:00Z',
      },
      { type: 'SagaCompleted', side: 'BUY', ...facts, symbol: 'BTC', quantity: '0.5', trade_id: saga, duration_ms: 9, at: '2026-01-01T10:01:00Z' },
    ]);
    expect([plain(delta.house?.cash), plain(delta.house?.fees)]).to.deep.equal(['19.5435', '0.0435']);
    expect([...delta.housePositions].map(([symbol, quantity]) => [symbol, quantity.toFixed()])).to.deep.equal([
      ['AAPL', '-2'],
      ['BTC', '-0.5'],
    ]);
    expect(plain(delta.holdings.get(pairKey(user, 'AAPL'))), "the user's side").to.equal('2');
    expect(plain(delta.users.get(user)?.netCashFlow), 'paid 31.5315 and 31.5, received 11.988').to.equal('-51.0435');
  });

  it('pays out the whole amount of a credit without a fee, and leaves the house cash alone without a capture or credit', () => {
    const credited = foldEvents([{ type: 'FundsCredited', user_id: user, saga_id: saga, amount: '12', at: '2026-01-01T10:00:00Z' }]);
    expect([plain(credited.house?.cash), plain(credited.house?.fees)]).to.deep.equal(['-12', '0']);
    const other = foldEvents([
      { type: 'FundsDeposited', user_id: user, amount: '100', available: '100', at: '2026-01-01T10:00:00Z' },
      { type: 'FundsReleased', user_id: user, saga_id: saga, amount: '100', at: '2026-01-01T10:00:00Z' },
      {
        type: 'SagaFailed',
        side: 'BUY',
        ...facts,
        outcome: 'COMPENSATED',
        code: 'PRICE_NOT_MARKETABLE',
        reason: 'moved',
        duration_ms: 7,
        at: '2026-01-01T10:00:00Z',
      },
    ]);
    expect([other.house, other.housePositions.size]).to.deep.equal([null, 0]);
  });

  it('stores an event with its source service, money facts and outcome as columns', () => {
    const event = { type: 'SagaCompleted' as const, side: 'SELL' as const, ...facts, trade_id: saga, duration_ms: 42, at: '2026-01-01T10:00:00Z' };
    const row = toStoredEvent('33333333-3333-4333-8333-333333333333', sourceOf('trade.saga.completed'), event);
    expect(row).to.include({
      source: 'trade',
      symbol: 'AAPL',
      side: 'SELL',
      quantity: '3',
      notional: '31.5',
      outcome: 'COMPLETED',
      durationMs: 42,
      amount: null,
    });
  });

  it('counts an order accepted, cancelled or expired as an event of its type, and nothing else', () => {
    const at = '2026-01-01T10:00:00Z';
    const delta = foldEvents([
      { type: 'OrderAccepted', side: 'BUY', ...facts, reserve: '31.6', at },
      { type: 'OrderCancelled', side: 'BUY', ...facts, code: 'TRADE_FAILED', reason: 'price moved', at },
      { type: 'OrderExpired', side: 'BUY', ...facts, reason: 'saga timed out', at },
    ]);
    expect(delta.eventTypes).to.deep.equal(
      new Map([
        ['OrderAccepted', 1],
        ['OrderCancelled', 1],
        ['OrderExpired', 1],
      ]),
    );
    expect(delta.minutes.get('2026-01-01T10:00:00.000Z')).to.deep.equal({ events: 3, trades: 0 });
    expect([delta.symbols.size, delta.outcomes.size, delta.durations.size, delta.house]).to.deep.equal([0, 0, 0, null]);
  });

  it('reads a stored SagaStarted of schema version 1 as OrderAccepted, in its payload and its type column', () => {
    expect(readStoredEvent({ type: 'SagaStarted', side: 'BUY', ...facts, at: '2026-01-01T10:00:00Z' }).type).to.equal('OrderAccepted');
    expect([currentType('SagaStarted'), currentType('FundsReserved')]).to.deep.equal(['OrderAccepted', 'FundsReserved']);
    expect(storedTypes('OrderAccepted')).to.have.members(['OrderAccepted', 'SagaStarted']);
    expect(storedTypes('SagaStarted')).to.have.members(['OrderAccepted', 'SagaStarted']);
    expect(storedTypes('FundsReserved')).to.deep.equal(['FundsReserved']);
  });
});

import { randomUUID } from 'node:crypto';
import { Decimal, HOUSE_USER_ID } from '@trading/contracts';
import { expect } from 'chai';
import { decideFundsStep } from '../src/decideFundsStep.ts';
import { decideRequest } from '../src/decideRequest.ts';
import type { Account, Reservation } from '../src/domain.ts';

const at = '2026-01-31T09:00:00.000Z';
const userId = randomUUID();
const sagaId = randomUUID();
const account = (available: string, reserved = '0'): Account => ({ userId, available, reserved, createdAt: at, streamSeq: 0 });
const reservation = (status: Reservation['status'], amount = '60'): Reservation => ({ sagaId, userId, amount, status });
const context = { at, newUserId: userId, newKeySha256: 'a'.repeat(64) };

describe('decideRequest', () => {
  describe('WITHDRAW of exactly the available balance', () => {
    it('is accepted and leaves a balance of 0', () => {
      const decision = decideRequest(
        { id: 1, type: 'WITHDRAW', user_id: userId, amount: '10.5' },
        { account: account('10.5'), heldAssets: [], liveKey: undefined },
        context,
      );
      expect(decision.reply).to.include({ status: 'OK', balance: '0' });
      expect(decision.changes).to.deep.equal([{ type: 'MoveFunds', userId, kind: 'WITHDRAWAL', available: '-10.5', reserved: '0', at }]);
    });
  });

  describe('WITHDRAW above the available balance (reserved funds are not available)', () => {
    it('replies INSUFFICIENT_FUNDS and changes nothing', () => {
      const decision = decideRequest(
        { id: 1, type: 'WITHDRAW', user_id: userId, amount: '10' },
        { account: account('5', '50'), heldAssets: [], liveKey: undefined },
        context,
      );
      expect(decision.reply).to.include({ status: 'ERROR', code: 'INSUFFICIENT_FUNDS' });
      expect(decision.changes).to.deep.equal([]);
      expect(decision.events).to.deep.equal([]);
    });
  });

  describe('DEPOSIT without float arithmetic', () => {
    it('adds 0.1 and 0.2 to exactly 0.3', () => {
      const decision = decideRequest(
        { id: 1, type: 'DEPOSIT', user_id: userId, amount: '0.2' },
        { account: account('0.1'), heldAssets: [], liveKey: undefined },
        context,
      );
      expect(decision.events[0]).to.include({ type: 'FundsDeposited', available: '0.3' });
    });
  });

  describe('REMOVE_USER of an account that is not empty', () => {
    it('names everything left: available, reserved and holdings', () => {
      const state = { account: account('1', '2'), heldAssets: [{ symbol: 'AAPL', quantity: '3' }], liveKey: undefined };
      const decision = decideRequest({ id: 1, type: 'REMOVE_USER', user_id: userId }, state, context);
      expect(decision.reply).to.include({ code: 'ACCOUNT_NOT_EMPTY' });
      expect(decision.reply.message).to.include('1 available').and.include('2 reserved').and.include('3 AAPL');
      expect(decision.changes).to.deep.equal([]);
    });
  });

  describe('a request for an unknown or removed user', () => {
    it('replies USER_NOT_FOUND', () => {
      const decision = decideRequest(
        { id: 1, type: 'DEPOSIT', user_id: userId, amount: '1' },
        { account: undefined, heldAssets: [], liveKey: undefined },
        context,
      );
      expect(decision.reply).to.include({ code: 'USER_NOT_FOUND' });
    });
  });
});

describe('decideFundsStep', () => {
  const release = { type: 'ReleaseFunds', saga_id: sagaId, user_id: userId, reason: 'timeout' } as const;
  const capture = { type: 'CaptureFunds', saga_id: sagaId, user_id: userId, symbol: 'AAPL', quantity: '2', notional: '59.8', fee: '0.0598' } as const;
  const credit = { type: 'CreditFunds', saga_id: sagaId, user_id: userId, symbol: 'AAPL', quantity: '2', amount: '59.8', fee: '0.0598' } as const;
  const house = (kind: 'TRADE' | 'FEE', available: string) => ({ type: 'MoveFunds', userId: HOUSE_USER_ID, kind, available, reserved: '0', sagaId, at });

  describe('ReleaseFunds of a captured reservation', () => {
    it('moves nothing and answers FundsReleased with amount 0', () => {
      const decision = decideFundsStep(release, { account: account('0'), reservation: reservation('CAPTURED') }, at);
      expect(decision).to.deep.equal({ event: { type: 'FundsReleased', saga_id: sagaId, user_id: userId, at, amount: '0' }, changes: [] });
    });
  });

  describe('ReleaseFunds of an unknown reservation', () => {
    it('records the saga as released with amount 0, so a late ReserveFunds is rejected', () => {
      const decision = decideFundsStep(release, { account: account('100'), reservation: undefined }, at);
      expect(decision).to.have.nested.property('event.amount', '0');
      expect(decision).to.have.deep.property('changes', [{ type: 'SetReservation', sagaId, userId, amount: '0', status: 'RELEASED', at }]);
      const late = decideFundsStep(
        { type: 'ReserveFunds', saga_id: sagaId, user_id: userId, amount: '1' },
        { account: account('100'), reservation: reservation('RELEASED', '0') },
        at,
      );
      expect(late).to.have.nested.property('event.code', 'SAGA_TIMEOUT');
      expect(late).to.have.deep.property('changes', []);
    });
  });

  describe('CaptureFunds of a reservation that is not RESERVED', () => {
    it('is refused', () => {
      for (const state of [reservation('RELEASED'), reservation('CAPTURED'), undefined]) {
        expect(decideFundsStep(capture, { account: account('0'), reservation: state }, at)).to.have.property('refused');
      }
    });
  });

  describe('CaptureFunds of a RESERVED reservation', () => {
    it('takes notional + fee, releases the rest of the reservation, books the house’s TRADE and FEE rows and adds the quantity', () => {
      const decision = decideFundsStep(capture, { account: account('0', '60'), reservation: reservation('RESERVED') }, at);
      expect(decision).to.deep.equal({
        event: { type: 'FundsCaptured', saga_id: sagaId, user_id: userId, at, amount: '59.8598', notional: '59.8', fee: '0.0598', released: '0.1402' },
        changes: [
          { type: 'MoveFunds', userId, kind: 'CAPTURE', available: '0.1402', reserved: '-60', sagaId, at },
          house('TRADE', '59.8'),
          house('FEE', '0.0598'),
          { type: 'SetReservation', sagaId, userId, amount: '60', status: 'CAPTURED', at },
          { type: 'AdjustHeldAsset', userId, symbol: 'AAPL', quantity: '2' },
        ],
      });
    });

    it('books no FEE row when the fee is 0, and releases nothing when the trade costs the whole reservation', () => {
      const decision = decideFundsStep({ ...capture, notional: '60', fee: '0' }, { account: account('0', '60'), reservation: reservation('RESERVED') }, at);
      expect(decision).to.have.nested.property('event.released', '0');
      expect(decision).to.have.property('changes').that.deep.includes(house('TRADE', '60')).and.not.deep.includes(house('FEE', '0'));
    });

    it('moves funds that sum to zero over the user and the house', () => {
      const decision = decideFundsStep(capture, { account: account('0', '60'), reservation: reservation('RESERVED') }, at);
      expect(sumOfMoves(decision)).to.equal(0);
    });

    it('is refused when notional + fee is above the reservation', () => {
      const decision = decideFundsStep({ ...capture, notional: '60', fee: '0.01' }, { account: account('0', '60'), reservation: reservation('RESERVED') }, at);
      expect(decision).to.have.property('refused').that.includes('more than its reservation');
    });
  });

  describe('CreditFunds of a SELL', () => {
    it('credits the user notional − fee; the house pays the notional (TRADE) and earns the fee (FEE)', () => {
      const decision = decideFundsStep(credit, { account: account('10'), reservation: undefined }, at);
      expect(decision).to.deep.equal({
        event: { type: 'FundsCredited', saga_id: sagaId, user_id: userId, at, amount: '59.8', fee: '0.0598' },
        changes: [
          { type: 'MoveFunds', userId, kind: 'CREDIT', available: '59.7402', reserved: '0', sagaId, at },
          house('TRADE', '-59.8'),
          house('FEE', '0.0598'),
          { type: 'AdjustHeldAsset', userId, symbol: 'AAPL', quantity: '-2' },
        ],
      });
      expect(sumOfMoves(decision)).to.equal(0);
    });

    it('is refused when the fee takes the whole notional or more (a credit of 0 would move no money)', () => {
      for (const fee of ['59.8', '60']) {
        expect(decideFundsStep({ ...credit, fee }, { account: account('10'), reservation: undefined }, at)).to.have.property('refused');
      }
    });

    it('answers CreditRejected USER_NOT_FOUND for an unknown account, and changes nothing', () => {
      expect(decideFundsStep(credit, { account: undefined, reservation: undefined }, at))
        .to.deep.include({ changes: [] })
        .and.nested.include({
          'event.type': 'CreditRejected',
          'event.code': 'USER_NOT_FOUND',
        });
    });
  });
});

/** The sum of every MoveFunds delta (available and reserved) of a decision, in 1e-8 units. */
function sumOfMoves(decision: ReturnType<typeof decideFundsStep>): number {
  if ('refused' in decision) throw new Error(decision.refused);
  let sum = 0n;
  const units = (amount: string) => BigInt(new Decimal(amount).mul(1e8).toFixed());
  for (const change of decision.changes) if (change.type === 'MoveFunds') sum += units(change.available) + units(change.reserved);
  return Number(sum);
}

describe('decideRequest on api keys', () => {
  const liveKey = 'b'.repeat(64);
  const state = { account: account('0'), heldAssets: [], liveKey };

  describe('ADD_USER', () => {
    it('opens the account with the new key stored as its hash, and says which hash it stored', () => {
      const decision = decideRequest({ id: 1, type: 'ADD_USER' }, { account: undefined, heldAssets: [], liveKey: undefined }, context);
      expect(decision.reply).to.include({ status: 'OK', user_id: userId, api_key_sha256: context.newKeySha256 });
      expect(decision.changes).to.deep.include({ type: 'IssueCredential', userId, keySha256: context.newKeySha256, at });
      expect(decision.events.map((e) => e.type)).to.deep.equal(['UserCreated', 'CredentialIssued']);
    });
  });

  describe('ROTATE_API_KEY', () => {
    it('revokes the live key before it issues the new one', () => {
      const decision = decideRequest({ id: 1, type: 'ROTATE_API_KEY', user_id: userId }, state, context);
      expect(decision.changes.map((c) => c.type)).to.deep.equal(['RevokeCredential', 'IssueCredential']);
      expect(decision.events).to.deep.include({ type: 'CredentialRevoked', user_id: userId, at, key_sha256: liveKey, reason: 'ROTATED' });
    });
  });

  describe('REMOVE_USER of an empty account', () => {
    it('closes the account and revokes its key', () => {
      const decision = decideRequest({ id: 1, type: 'REMOVE_USER', user_id: userId }, state, context);
      expect(decision.changes.map((c) => c.type)).to.deep.equal(['CloseAccount', 'RevokeCredential']);
      expect(decision.events.map((e) => e.type)).to.deep.equal(['UserRemoved', 'CredentialRevoked']);
    });
  });
});

import { Decimal, type ErrorCode, errorCodes, HOUSE_USER_ID } from '@trading/contracts';
import type { Account, Change, FundsStep, Reservation, StepDecision, StepState } from './domain.ts';

type ReserveFunds = Extract<FundsStep, { type: 'ReserveFunds' }>;
type CaptureFunds = Extract<FundsStep, { type: 'CaptureFunds' }>;
type ReleaseFunds = Extract<FundsStep, { type: 'ReleaseFunds' }>;
type CreditFunds = Extract<FundsStep, { type: 'CreditFunds' }>;

/**
 * Decides Payment's step in a saga on the account and the saga's reservation: the one event that tells Trade how
 * it went, and the changes. Pure.
 */
export function decideFundsStep(step: FundsStep, state: StepState, at: string): StepDecision {
  switch (step.type) {
    case 'ReserveFunds':
      return reserve(step, state, at);
    case 'CaptureFunds':
      return capture(step, state.reservation, at);
    case 'ReleaseFunds':
      return release(step, state.reservation, at);
    case 'CreditFunds':
      return credit(step, state.account, at);
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

function reserve(step: ReserveFunds, { account, reservation }: StepState, at: string): StepDecision {
  const { saga_id, user_id, amount } = step;
  const rejected = (code: ErrorCode, reason: string): StepDecision => ({
    event: { type: 'FundsRejected', saga_id, user_id, at, amount, code, reason },
    changes: [],
  });
  // The saga expired and was released before its acceptance reached Payment: reserving now would strand the funds.
  if (reservation) return rejected('SAGA_TIMEOUT', `saga ${saga_id} was released before its funds were reserved`);
  if (!account) return rejected('USER_NOT_FOUND', errorCodes.USER_NOT_FOUND.message);
  if (new Decimal(account.available).lt(amount)) {
    return rejected('INSUFFICIENT_FUNDS', `needs ${amount}, ${account.available} available`);
  }
  return {
    event: { type: 'FundsReserved', saga_id, user_id, at, amount },
    changes: [
      { type: 'MoveFunds', userId: user_id, kind: 'RESERVE', available: negate(amount), reserved: amount, sagaId: saga_id, at },
      { type: 'SetReservation', sagaId: saga_id, userId: user_id, amount, status: 'RESERVED', at },
    ],
  };
}

/**
 * The BUY's trade: the user pays notional + fee out of the reservation and gets the rest of it back; the house
 * receives the notional and the fee. Trade never asks for more than it reserved (it reserved at the order's bound).
 */
function capture(step: CaptureFunds, reservation: Reservation | undefined, at: string): StepDecision {
  const { saga_id, user_id, symbol, quantity, notional, fee } = step;
  if (reservation?.status !== 'RESERVED' || reservation.userId !== user_id) {
    return { refused: `cannot capture saga ${saga_id} of user ${user_id}: its reservation is ${describe(reservation)}` };
  }
  const paid = new Decimal(notional).add(fee);
  const { amount } = reservation;
  if (paid.gt(amount)) return { refused: `saga ${saga_id} asks to capture ${paid.toFixed()}, more than its reservation of ${amount}` };
  const released = new Decimal(amount).sub(paid).toFixed();
  return {
    event: { type: 'FundsCaptured', saga_id, user_id, at, amount: paid.toFixed(), notional, fee, released },
    changes: [
      { type: 'MoveFunds', userId: user_id, kind: 'CAPTURE', available: released, reserved: negate(amount), sagaId: saga_id, at },
      ...houseSide(saga_id, notional, fee, at),
      { type: 'SetReservation', sagaId: saga_id, userId: user_id, amount, status: 'CAPTURED', at },
      { type: 'AdjustHeldAsset', userId: user_id, symbol, quantity },
    ],
  };
}

/** The house's side of a trade: it receives (BUY) or pays (SELL, negative) the notional, and earns the fee. */
function houseSide(sagaId: string, notional: string, fee: string, at: string): Change[] {
  const move = (kind: 'TRADE' | 'FEE', available: string): Change => ({ type: 'MoveFunds', userId: HOUSE_USER_ID, kind, available, reserved: '0', sagaId, at });
  return [move('TRADE', notional), ...(new Decimal(fee).isZero() ? [] : [move('FEE', fee)])];
}

/**
 * Returns a RESERVED reservation to the available balance. Releasing anything else moves nothing and answers
 * FundsReleased with amount "0": a CAPTURED reservation stays captured, and an unknown one is recorded as
 * released (amount 0) so that a ReserveFunds arriving late is rejected instead of holding funds forever.
 */
function release(step: ReleaseFunds, reservation: Reservation | undefined, at: string): StepDecision {
  const { saga_id, user_id } = step;
  if (reservation?.status === 'RESERVED') {
    const { amount, userId } = reservation;
    return {
      event: { type: 'FundsReleased', saga_id, user_id, at, amount },
      changes: [
        { type: 'MoveFunds', userId, kind: 'RELEASE', available: amount, reserved: negate(amount), sagaId: saga_id, at },
        { type: 'SetReservation', sagaId: saga_id, userId, amount, status: 'RELEASED', at },
      ],
    };
  }
  const tombstone = { type: 'SetReservation', sagaId: saga_id, userId: user_id, amount: '0', status: 'RELEASED', at } as const;
  return { event: { type: 'FundsReleased', saga_id, user_id, at, amount: '0' }, changes: reservation ? [] : [tombstone] };
}

/** The SELL's trade: the house pays the notional, less the fee it earns; the user receives notional − fee. */
function credit(step: CreditFunds, account: Account | undefined, at: string): StepDecision {
  const { saga_id, user_id, amount, fee, symbol, quantity } = step;
  if (!account) {
    const reason = errorCodes.USER_NOT_FOUND.message;
    return { event: { type: 'CreditRejected', saga_id, user_id, at, amount, code: 'USER_NOT_FOUND', reason }, changes: [] };
  }
  const net = new Decimal(amount).sub(fee);
  if (net.lte(0)) return { refused: `saga ${saga_id} credits ${amount} with a fee of ${fee}` };
  return {
    event: { type: 'FundsCredited', saga_id, user_id, at, amount, fee },
    changes: [
      { type: 'MoveFunds', userId: user_id, kind: 'CREDIT', available: net.toFixed(), reserved: '0', sagaId: saga_id, at },
      ...houseSide(saga_id, negate(amount), fee, at),
      { type: 'AdjustHeldAsset', userId: user_id, symbol, quantity: negate(quantity) },
    ],
  };
}

const negate = (amount: string): string => new Decimal(amount).neg().toFixed();

const describe = (reservation: Reservation | undefined): string => (reservation ? `${reservation.status} for user ${reservation.userId}` : 'unknown');

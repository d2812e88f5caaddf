import { type ErrorCode, errorCodes } from '@trading/contracts';
import type { Saga, SagaInput, SagaState, Side, Step } from './domain.ts';

/**
 * The saga's transition table: what to do when `input` arrives in the saga's current state. Pure.
 * An input the state does not expect (a duplicate, a late or out-of-order answer) is ignored, except a
 * reservation that arrives after the saga gave up, which is released.
 */
export function decideStep(saga: Saga, input: SagaInput): Step {
  const when = (side: Side, state: SagaState, step: Step): Step =>
    saga.side === side && saga.state === state ? step : { kind: 'ignore', why: `${input.type} in ${saga.side} ${saga.state}` };
  switch (input.type) {
    case 'FundsReserved':
      if (saga.side === 'BUY' && saga.state === 'TIMED_OUT') return { kind: 'releaseLate' };
      return when('BUY', 'STARTED', { kind: 'record' });
    case 'FundsRejected':
      return when('BUY', 'STARTED', { kind: 'reject', code: knownCode(input.code), reason: input.reason });
    case 'FundsCaptured':
      return when('BUY', 'CAPTURING', { kind: 'complete' });
    case 'FundsReleased':
      return when('BUY', 'COMPENSATING', { kind: 'compensated' });
    case 'FundsCredited':
      return when('SELL', 'STARTED', { kind: 'complete' });
    case 'CreditRejected':
      return when('SELL', 'STARTED', { kind: 'reject', code: knownCode(input.code), reason: input.reason });
    case 'StepFailed':
      return when('BUY', 'STARTED', { kind: 'compensate', reason: input.reason });
    case 'DeadlinePassed':
      return onDeadline(saga);
    default: {
      const _exhaustive: never = input;
      return _exhaustive;
    }
  }
}

/**
 * A BUY still waiting for its reservation is cancelled. Every other open saga is past its point of no return
 * (funds may be captured or credited already, or are being released): it is never compensated, it keeps
 * waiting and sends its pending command again, which Payment applies once per saga and command type.
 */
function onDeadline(saga: Saga): Step {
  switch (saga.state) {
    case 'STARTED':
      return saga.side === 'BUY' ? { kind: 'timeOut' } : { kind: 'resend', command: 'CreditFunds' };
    case 'CAPTURING':
      return { kind: 'resend', command: 'CaptureFunds' };
    case 'COMPENSATING':
      return { kind: 'resend', command: 'ReleaseFunds' };
    default:
      return { kind: 'ignore', why: `deadline of a ${saga.state} saga` };
  }
}

/** Payment's codes are wire error codes; anything else (a newer Payment) is reported as INTERNAL. */
function knownCode(code: string): ErrorCode {
  return Object.hasOwn(errorCodes, code) ? (code as ErrorCode) : 'INTERNAL';
}

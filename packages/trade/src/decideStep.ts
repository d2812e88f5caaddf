import { type ErrorCode, errorCodes } from '@trading/contracts';
import { decideExecution, type MarketView, type PriceRules } from './decideExecution.ts';
import type { Saga, SagaInput, SagaState, Side, Step } from './domain.ts';

/** What a BUY's execution is decided on when its funds are reserved: the market as Trade sees it, and the price rules. */
export type ExecutionContext = { market: MarketView; rules: PriceRules };

/**
 * The saga's transition table: what to do when `input` arrives in the saga's current state. Pure.
 * An input the state does not expect (a duplicate, a late or out-of-order answer) is ignored, except a
 * reservation that arrives after the saga gave up, which is released.
 */
export function decideStep(saga: Saga, input: SagaInput, context?: ExecutionContext): Step {
  const when = (side: Side, state: SagaState, step: Step | (() => Step)): Step =>
    saga.side === side && saga.state === state
      ? typeof step === 'function'
        ? step()
        : step
      : { kind: 'ignore', why: `${input.type} in ${saga.side} ${saga.state}` };
  switch (input.type) {
    case 'FundsReserved':
      if (saga.side === 'BUY' && saga.state === 'TIMED_OUT') return { kind: 'releaseLate' };
      return when('BUY', 'STARTED', () => execute(saga, context));
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
      return when('BUY', 'STARTED', { kind: 'compensate', code: 'TRADE_FAILED', reason: input.reason });
    case 'DeadlinePassed':
      return onDeadline(saga);
    default: {
      const _exhaustive: never = input;
      return _exhaustive;
    }
  }
}

/**
 * A BUY whose funds are reserved executes at the latest tick if the price is still within its bound, fresh, and
 * trading is not halted; otherwise its funds are released and it ends with that code (PRICE_NOT_MARKETABLE, …).
 */
function execute(saga: Saga, context: ExecutionContext | undefined): Step {
  if (!context) throw new Error(`saga ${saga.id}: a reservation is decided on the market, and none was given`);
  const decision = decideExecution(
    { side: saga.side, symbol: saga.symbol, quantity: saga.quantity, priceBound: saga.priceBound },
    context.market,
    context.rules,
  );
  return decision.ok ? { kind: 'record', execution: decision.execution } : { kind: 'compensate', code: decision.code, reason: decision.message };
}

/**
 * A BUY still waiting for its reservation expires. Every other open saga is past its point of no return (funds
 * may be captured or credited already, or are being released): it is never compensated, it keeps waiting and
 * announces again the event whose reaction it waits for, which Payment applies once per saga and step.
 */
function onDeadline(saga: Saga): Step {
  switch (saga.state) {
    case 'STARTED':
      return saga.side === 'BUY' ? { kind: 'timeOut' } : { kind: 'reannounce', event: 'TradeRecorded' };
    case 'CAPTURING':
      return { kind: 'reannounce', event: 'TradeRecorded' };
    case 'COMPENSATING':
      return { kind: 'reannounce', event: 'OrderCancelled' };
    default:
      return { kind: 'ignore', why: `deadline of a ${saga.state} saga` };
  }
}

/** Payment's codes are wire error codes; anything else (a newer Payment) is reported as INTERNAL. */
function knownCode(code: string): ErrorCode {
  return Object.hasOwn(errorCodes, code) ? (code as ErrorCode) : 'INTERNAL';
}

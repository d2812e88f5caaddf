import type { Saga } from './domain.ts';

/**
 * An order's state as clients see it (README, Streams): one table per side. A BUY goes ACCEPTED → FUNDS_RESERVED →
 * FILLED, or ends REJECTED, COMPENSATED or TIMED_OUT; a SELL goes ACCEPTED → HOLDING_RESERVED → FILLED, or ends
 * REJECTED or COMPENSATED. A request refused before its saga existed has no order, only its reply.
 */
export type OrderState = 'ACCEPTED' | 'FUNDS_RESERVED' | 'HOLDING_RESERVED' | 'FILLED' | 'REJECTED' | 'COMPENSATED' | 'TIMED_OUT';

/** One step an order took, and when (null for a step of a saga older than the step's column). */
export type OrderStep = { state: OrderState; at: string | null };

/** The state an order is in, read from its saga. Pure. */
export function orderState(saga: Pick<Saga, 'side' | 'state'>): OrderState {
  switch (saga.state) {
    case 'STARTED':
      // A SELL's holding is reserved as it is accepted; a BUY waits for Payment's reservation.
      return saga.side === 'SELL' ? 'HOLDING_RESERVED' : 'ACCEPTED';
    case 'CAPTURING':
    case 'COMPENSATING':
      return 'FUNDS_RESERVED';
    case 'COMPLETED':
      return 'FILLED';
    case 'REJECTED':
    case 'COMPENSATED':
    case 'TIMED_OUT':
      return saga.state;
    default: {
      const _exhaustive: never = saga.state;
      return _exhaustive;
    }
  }
}

/** The reservation step of a side: what an accepted order waits for before it can fill. */
export const reservedState = (side: Saga['side']): OrderState => (side === 'BUY' ? 'FUNDS_RESERVED' : 'HOLDING_RESERVED');

/**
 * The steps an order took, in order, each with its time: accepted, reserved (if it got that far), and its end. Pure.
 * `endedAt` is when a terminal saga last changed.
 */
export function orderSteps(saga: Pick<Saga, 'side' | 'state' | 'createdAt' | 'reservedAt'>, endedAt: Date): OrderStep[] {
  const state = orderState(saga);
  const steps: OrderStep[] = [{ state: 'ACCEPTED', at: saga.createdAt.toISOString() }];
  const reserved = reservedState(saga.side);
  // A SELL's saga exists only once its holding is reserved; a BUY got that far if it filled or was compensated.
  const wasReserved = saga.side === 'SELL' || saga.reservedAt != null || ['FUNDS_RESERVED', 'FILLED', 'COMPENSATED'].includes(state);
  if (wasReserved) steps.push({ state: reserved, at: saga.reservedAt?.toISOString() ?? null });
  if (state !== 'ACCEPTED' && state !== reserved) steps.push({ state, at: endedAt.toISOString() });
  return steps;
}

import { brokerUsers, checkAmount, type Delivery, exchanges, reactsTo, sagaCommandV1, type TradeEvent, tradeEvent } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';
import type { FundsStep } from './domain.ts';

/** Positive, at most 8 decimals, bounded: an amount or a quantity (a fee may be 0; the decision checks a capture against its reservation). */
const MONEY_FIELDS = new Set(['amount', 'quantity']);

/**
 * The step Payment takes in reaction to one of Trade's events (or, from schema version 1, to Trade's command for it),
 * validated with the contracts schema and the money rules; undefined when the event asks nothing of Payment (a
 * SELL's acceptance: its holding is Trade's). Only the Trade service's broker user is believed. An event that breaks
 * the rules can never succeed: it is dead-lettered with the reason.
 */
export function readFundsStep(delivery: Delivery): FundsStep | undefined {
  if (delivery.userId !== brokerUsers.trade) throw new PoisonMessageError(`saga event from ${delivery.userId ?? 'nobody'}, not the Trade service`);
  const step = delivery.exchange === exchanges.payment ? fromCommandV1(delivery.body) : fromEvent(delivery.body);
  if (step) checkMoney(step);
  return step;
}

function fromEvent(body: unknown): FundsStep | undefined {
  const parsed = tradeEvent.safeParse(body);
  if (!parsed.success) throw invalid('Trade event', parsed.error.issues);
  const event = parsed.data;
  if (!reactsTo('payment', event.type)) throw new PoisonMessageError(`Payment does not react to ${event.type}`);
  const ids = { saga_id: event.saga_id, user_id: event.user_id };
  switch (event.type) {
    case 'OrderAccepted':
      if (event.side === 'SELL') return undefined;
      return { type: 'ReserveFunds', ...ids, amount: required(event, 'reserve', event.reserve) };
    case 'TradeRecorded': {
      const fee = required(event, 'fee', event.fee);
      const { symbol, quantity, notional } = event;
      return event.side === 'BUY'
        ? { type: 'CaptureFunds', ...ids, symbol, quantity, notional, fee }
        : { type: 'CreditFunds', ...ids, amount: notional, fee, symbol, quantity };
    }
    case 'OrderCancelled':
    case 'OrderExpired':
      return { type: 'ReleaseFunds', ...ids, reason: event.reason };
    default:
      throw new PoisonMessageError(`Payment does not react to ${event.type}`);
  }
}

/** Schema version 1: Trade's command for the step, still in a queue or an outbox when the stack was upgraded. */
function fromCommandV1(body: unknown): FundsStep {
  const parsed = sagaCommandV1.safeParse(body);
  if (!parsed.success) throw invalid('saga command (schema version 1)', parsed.error.issues);
  return parsed.data;
}

function invalid(what: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): PoisonMessageError {
  return new PoisonMessageError(`invalid ${what}: ${issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
}

function required<T>(event: TradeEvent, field: string, value: T | undefined): T {
  if (value === undefined) throw new PoisonMessageError(`${event.type} of saga ${event.saga_id} has no ${field}`);
  return value;
}

function checkMoney(step: FundsStep): void {
  for (const [field, value] of Object.entries(step)) {
    const checked = MONEY_FIELDS.has(field) ? checkAmount(value) : undefined;
    if (checked && !checked.ok) throw new PoisonMessageError(`invalid ${step.type}: ${field} ${checked.message}`);
  }
}

import { randomUUID } from 'node:crypto';
import {
  commandRoutingKeys,
  type ErrorCode,
  errorReply,
  eventMessage,
  exchanges,
  notional,
  okReply,
  type OutgoingMessage,
  type PaymentCommand,
  type Reply,
  replyMessage,
  type TradeEvent,
} from '@trading/contracts';
import type { Saga } from './domain.ts';
import type { Waiter } from './sagaStore.ts';

type CommandType = PaymentCommand['type'];

/**
 * A saga command to Payment. Payment applies each command once per saga and command type, so sending one
 * again (at a deadline, or to release a late reservation) is answered with the same event and changes nothing.
 */
export function paymentCommand(saga: Saga, type: CommandType, reason = ''): OutgoingMessage {
  const body = commandBody(saga, type, reason);
  return { exchange: exchanges.payment, routingKey: commandRoutingKeys[type], messageId: randomUUID(), type, body, correlationId: saga.id };
}

function commandBody(saga: Saga, type: CommandType, reason: string): PaymentCommand {
  const ids = { saga_id: saga.id, user_id: saga.userId };
  switch (type) {
    case 'ReserveFunds':
      return { type, ...ids, amount: required(saga.reserved, saga, 'a reservation') };
    case 'CaptureFunds': {
      const { notional, fee } = executed(saga);
      return { type, ...ids, symbol: saga.symbol, quantity: saga.quantity, notional, fee };
    }
    case 'ReleaseFunds':
      return { type, ...ids, reason };
    case 'CreditFunds': {
      const { notional, fee } = executed(saga);
      return { type, ...ids, amount: notional, fee, symbol: saga.symbol, quantity: saga.quantity };
    }
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

function required<T>(value: T | null, saga: Saga, what: string): T {
  if (value === null) throw new Error(`saga ${saga.id} has no ${what}`);
  return value;
}

const executed = (saga: Saga) => required(saga.execution, saga, 'execution');

/**
 * The facts every trade event repeats, so Reporting can follow a saga from any one of its events: until the trade
 * executes, `price` and `notional` are the order's bound and its notional; from then on, the execution's.
 */
export function sagaFacts(saga: Saga, at: Date) {
  const { id, userId, side, symbol, quantity, limitPrice, priceBound, execution } = saga;
  const figures = execution
    ? { price: execution.price, notional: execution.notional, fee: execution.fee, ...(execution.tickSeq > 0 ? { tick_seq: execution.tickSeq } : {}) }
    : { price: priceBound, notional: notional(priceBound, quantity) };
  return { saga_id: id, user_id: userId, at: at.toISOString(), side, symbol, quantity, limit_price: limitPrice, ...figures };
}

export function sagaDuration(saga: Saga, at: Date): number {
  return Math.max(0, at.getTime() - saga.createdAt.getTime());
}

/** A trade event for the `events` fanout (routing key trade.<entity>.<event>), correlated by its saga. */
export function tradeEvent(event: TradeEvent): OutgoingMessage {
  return eventMessage(exchanges.events, event, event.saga_id);
}

/** The OK reply of a completed saga: which trade, at which price (a market tick), for how much, and the fee. */
export function completedReply(saga: Saga): Reply {
  const { side, quantity, symbol, limitPrice } = saga;
  const { price, notional, fee } = executed(saga);
  const verb = side === 'BUY' ? 'bought' : 'sold';
  const bound = limitPrice === null ? 'a market order' : `limit ${limitPrice}`;
  return okReply(saga.requestId, side, `${verb} ${quantity} ${symbol} at ${price} (${bound}) for ${notional}, fee ${fee}`, {
    trade_id: saga.tradeId,
    symbol,
    amount: quantity,
    price,
    limit_price: limitPrice,
    notional,
    fee,
  });
}

export function failedReply(saga: Saga, code: ErrorCode, reason: string): Reply {
  return errorReply(saga.requestId, saga.side, code, reason, { symbol: saga.symbol, amount: saga.quantity, limit_price: saga.limitPrice });
}

/** A saga's reply, addressed to one waiter's gateway and request, with the id that waiter used. */
export function replyToWaiter(waiter: Waiter, reply: Reply): OutgoingMessage[] {
  return replyMessage(waiter, exchanges.apiResponse, { ...reply, id: waiter.clientId });
}

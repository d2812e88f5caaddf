import {
  type ErrorCode,
  errorReply,
  eventMessage,
  exchanges,
  notional,
  okReply,
  type OutgoingMessage,
  type Reply,
  replyMessage,
  type TradeEvent,
} from '@trading/contracts';
import type { Saga } from './domain.ts';
import type { Waiter } from './sagaStore.ts';

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

/** A trade event on `domain-events` (routing key trade.<entity>.<event>; Reporting gets it too), correlated by its saga. */
export function tradeEvent(event: TradeEvent): OutgoingMessage {
  return eventMessage(event, event.saga_id);
}

/**
 * An event of the saga announced again at its deadline, for the service that reacts to it (Payment applies its
 * step once per saga, and answers again with the event it answered the first time); Reporting has it already.
 */
export function reannounced(event: TradeEvent): OutgoingMessage {
  return eventMessage(event, event.saga_id, { reannounced: true });
}

function executed(saga: Saga): NonNullable<Saga['execution']> {
  if (saga.execution === null) throw new Error(`saga ${saga.id} has no execution`);
  return saga.execution;
}

/** The OK reply of a completed saga: which trade, at which price (a market tick), for how much, and the fee. */
export function completedReply(saga: Saga): Reply {
  const { side, quantity, symbol, limitPrice } = saga;
  const { price, notional, fee } = executed(saga);
  const verb = side === 'BUY' ? 'bought' : 'sold';
  const bound = limitPrice === null ? 'a market order' : `limit ${limitPrice}`;
  return okReply(saga.requestId, side, `${verb} ${quantity} ${symbol} at ${price} (${bound}) for ${notional}, fee ${fee}`, {
    order_id: saga.id,
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
  return errorReply(saga.requestId, saga.side, code, reason, { order_id: saga.id, symbol: saga.symbol, amount: saga.quantity, limit_price: saga.limitPrice });
}

/** A saga's reply, addressed to one waiter's gateway and request, with the id that waiter used. */
export function replyToWaiter(waiter: Waiter, reply: Reply): OutgoingMessage[] {
  return replyMessage(waiter, exchanges.apiResponse, { ...reply, id: waiter.clientId });
}

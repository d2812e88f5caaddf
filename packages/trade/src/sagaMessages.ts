import { randomUUID } from 'node:crypto';
import { eventMessage, type OutgoingMessage, replyMessage } from '@trading/bus';
import { commandRoutingKeys, type ErrorCode, errorReply, exchanges, okReply, type PaymentCommand, type Reply, type TradeEvent } from '@trading/contracts';
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
      return { type, ...ids, amount: saga.notional };
    case 'CaptureFunds':
      return { type, ...ids, symbol: saga.symbol, quantity: saga.quantity };
    case 'ReleaseFunds':
      return { type, ...ids, reason };
    case 'CreditFunds':
      return { type, ...ids, amount: saga.notional, symbol: saga.symbol, quantity: saga.quantity };
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

/** The facts every trade event repeats, so Reporting can follow a saga from any one of its events. */
export function sagaFacts(saga: Saga, at: Date) {
  const { id, userId, side, symbol, quantity, price, notional } = saga;
  return { saga_id: id, user_id: userId, at: at.toISOString(), side, symbol, quantity, price, notional };
}

export function sagaDuration(saga: Saga, at: Date): number {
  return Math.max(0, at.getTime() - saga.createdAt.getTime());
}

/** A trade event for the `events` fanout (routing key trade.<entity>.<event>), correlated by its saga. */
export function tradeEvent(event: TradeEvent): OutgoingMessage {
  return eventMessage(exchanges.events, event, event.saga_id);
}

/** The OK reply of a completed saga: which trade, at which price, for how much. */
export function completedReply(saga: Saga): Reply {
  const { side, quantity, symbol, price, notional, marketOrder } = saga;
  const verb = side === 'BUY' ? 'bought' : 'sold';
  const at = marketOrder ? `the market price ${price}` : price;
  return okReply(saga.requestId, side, `${verb} ${quantity} ${symbol} at ${at} for ${notional}`, {
    trade_id: saga.tradeId,
    symbol,
    amount: quantity,
    price,
    notional,
  });
}

export function failedReply(saga: Saga, code: ErrorCode, reason: string): Reply {
  return errorReply(saga.requestId, saga.side, code, reason, { symbol: saga.symbol, amount: saga.quantity, price: saga.price });
}

/** A saga's reply, addressed to one waiter's gateway and request, with the id that waiter used. */
export function replyToWaiter(waiter: Waiter, reply: Reply): OutgoingMessage[] {
  return replyMessage(waiter, exchanges.apiResponse, { ...reply, id: waiter.clientId });
}

import { randomUUID } from 'node:crypto';
import {
  type Delivery,
  encodePrincipal,
  errorReply,
  exchanges,
  type OutgoingMessage,
  type Principal,
  type Reply,
  replyMessage,
  requestKey,
} from '@trading/contracts';
import { type Effect, hashRequest, recordAudit, refusedReply, type SqlClient, userScope } from '@trading/db';
import { announceHolding, announceOrder } from './accountChanges.ts';
import { decideOrder } from './decideOrder.ts';
import { deadlineAfter, type TradeDeps } from './deps.ts';
import type { Order, Saga } from './domain.ts';
import { type Halts, readHalts } from './haltStore.ts';
import { reserveHolding } from './holdingStore.ts';
import { sagaFacts, tradeEvent } from './sagaMessages.ts';
import { addWaiter, insertSaga, lockSagaReply, sagaOfRequest, type Waiter } from './sagaStore.ts';
import { insertTrade } from './tradeStore.ts';

/** What the inbox remembers of an order: its final reply if it never became a saga, else the saga. */
type OrderReceipt = { reply: Reply } | { sagaId: string };

/**
 * A BUY or SELL, exactly once per idempotency key (principal, user, request id: contracts' requestKey). A new order is decided and either answered at once or
 * started as a saga; a re-sent one gets its saga's reply, or waits for it; the same id for another order
 * is DUPLICATE_REQUEST_ID. The inbox claim, the saga and its first messages commit in one transaction.
 */
export async function placeOrder(deps: TradeDeps, delivery: Delivery, principal: Principal, order: Order): Promise<void> {
  const key = requestKey(principal, order);
  const hash = hashRequest(order);
  const waiter = delivery.replyTo ? { clientId: order.id, replyTo: delivery.replyTo, correlationId: delivery.correlationId ?? '' } : undefined;
  await deps.processOnce<OrderReceipt>({
    key,
    hash,
    scope: userScope(order.user_id),
    apply: async (tx) => {
      const audited =
        principal.kind === 'admin' &&
        recordAudit(tx, 'trade', {
          actor: encodePrincipal(principal),
          action: order.type,
          subject: order.user_id,
          requestId: String(order.id),
          at: deps.clock().toISOString(),
        });
      // Side by side: the audit row is read by no decision, and the halts are read before they are needed.
      const [earlier, halts] = await Promise.all([sagaOfRequest(tx, key), readHalts(tx), audited]);
      if (earlier) return rejoinExpired(tx, delivery, order, { hash, ...earlier }, waiter);
      return startOrder(tx, deps, delivery, order, { key, hash }, halts, waiter);
    },
    replay: (receipt, tx) => rejoin(tx, delivery, order, receipt, waiter),
    conflict: () => replyMessage(delivery, exchanges.apiResponse, errorReply(order.id, order.type, 'DUPLICATE_REQUEST_ID')),
    refuse: (failure) => answered(delivery, refusedReply(order, failure)),
  });
}

async function startOrder(
  tx: SqlClient,
  deps: TradeDeps,
  delivery: Delivery,
  order: Order,
  request: { key: string; hash: string },
  halts: Halts,
  waiter?: Waiter,
): Promise<Effect<OrderReceipt>> {
  const now = deps.clock();
  const instrument = deps.catalogue.get(order.symbol);
  const market = deps.prices.view(order.symbol, halts(instrument), now);
  const decision = decideOrder(order, instrument, market, deps.settings);
  if (!decision.ok) return answered(delivery, errorReply(order.id, order.type, decision.code, decision.message, decision.fields));
  const sell = order.type === 'SELL';
  const holding = sell ? await reserveHolding(tx, order.user_id, order.symbol, order.amount) : undefined;
  if (sell && !holding) {
    return answered(delivery, errorReply(order.id, order.type, 'INSUFFICIENT_HOLDINGS', `${order.user_id} holds less than ${order.amount} ${order.symbol}`));
  }
  const saga: Saga = {
    id: randomUUID(),
    requestId: order.id,
    side: order.type,
    userId: order.user_id,
    symbol: order.symbol,
    quantity: order.amount,
    limitPrice: decision.limitPrice,
    priceBound: decision.priceBound,
    reserved: decision.reserved,
    execution: decision.execution,
    marketOrder: decision.limitPrice === null,
    state: 'STARTED',
    tradeId: sell ? randomUUID() : null,
    failureCode: null,
    failureReason: null,
    createdAt: now,
    // A SELL's holding is reserved as it is accepted; a BUY's funds when Payment reserves them.
    reservedAt: sell ? now : null,
  };
  await insertSaga(tx, saga, request, deadlineAfter(now, deps.settings), waiter);
  const facts = sagaFacts(saga, now);
  const accepted = { type: 'OrderAccepted' as const, ...facts, request_id: saga.requestId };
  // A BUY's acceptance names the funds it needs (Payment reserves them); a SELL's holding is reserved here, and its
  // trade recorded at once (Payment credits it).
  // The account stream shows the order accepted, and a SELL's holding reserved with it.
  const acceptedChange = await announceOrder(tx, saga, 'ACCEPTED', now);
  if (!saga.tradeId || !holding) {
    const event = tradeEvent({ ...accepted, ...(saga.reserved ? { reserve: saga.reserved } : {}) });
    return { response: { sagaId: saga.id }, messages: [event, acceptedChange] };
  }
  const [, heldChange, reservedChange] = await Promise.all([
    insertTrade(tx, saga, saga.tradeId, now),
    announceHolding(tx, saga, holding, now),
    announceOrder(tx, saga, 'HOLDING_RESERVED', now),
  ]);
  const messages = [
    tradeEvent(accepted),
    tradeEvent({ type: 'HoldingReserved', ...facts }),
    tradeEvent({ type: 'TradeRecorded', ...facts, trade_id: saga.tradeId }),
    acceptedChange,
    heldChange,
    reservedChange,
  ];
  return { response: { sagaId: saga.id }, messages };
}

/** A re-sent order: the remembered reply, the finished saga's reply, or a place among the running saga's waiters. */
async function rejoin(tx: SqlClient, delivery: Delivery, order: Order, receipt: OrderReceipt, waiter?: Waiter): Promise<OutgoingMessage[]> {
  const reply = 'reply' in receipt ? receipt.reply : await lockSagaReply(tx, receipt.sagaId);
  // A saga's reply names its order (a reply stored before order_id existed gets it here).
  if (reply) return replyMessage(delivery, exchanges.apiResponse, { ...reply, id: order.id, ...('sagaId' in receipt ? { order_id: receipt.sagaId } : {}) });
  if (waiter && 'sagaId' in receipt) await addWaiter(tx, receipt.sagaId, waiter);
  return [];
}

/**
 * A re-send that came after the inbox pruned its key (INBOX_RETENTION_HOURS) but whose saga remains: answered as a
 * re-send is, from the saga, or DUPLICATE_REQUEST_ID for another order under the same id. Nothing is traded again.
 */
async function rejoinExpired(
  tx: SqlClient,
  delivery: Delivery,
  order: Order,
  saga: { id: string; requestHash: string; hash: string },
  waiter?: Waiter,
): Promise<Effect<OrderReceipt>> {
  if (saga.requestHash !== saga.hash) return answered(delivery, errorReply(order.id, order.type, 'DUPLICATE_REQUEST_ID'));
  return { response: { sagaId: saga.id }, messages: await rejoin(tx, delivery, order, { sagaId: saga.id }, waiter) };
}

function answered(delivery: Delivery, reply: Reply): Effect<OrderReceipt> {
  return { response: { reply }, messages: replyMessage(delivery, exchanges.apiResponse, reply) };
}

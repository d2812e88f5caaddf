import { z } from 'zod';
import { requestIdSchema } from './requests.ts';

/*
 * Messages between services. Clients' requests (and a gateway's key check) are answered by a reply; between the
 * services themselves only domain events travel, named in the past tense (OrderAccepted, FundsReserved): each
 * service reacts to the others' events (reactions.ts), and none tells another what to do.
 * Every body carries its `type`; the AMQP envelope carries messageId, correlationId, replyTo and the schema version
 * (versions.ts).
 */
const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const uuid = z.uuid();
const errorCode = z.string();
const keyHash = z.string().regex(/^[0-9a-f]{64}$/);

// ---- Gateway -> Payment: whose key is this? (exchange `payment`, routing key payment.authenticate; the answer
// goes to the asking gateway on `payment-response`). The key travels only as its SHA-256.
export const authenticate = z.object({ type: z.literal('Authenticate'), key_sha256: keyHash });
export type Authenticate = z.infer<typeof authenticate>;
export const authenticated = z.object({ type: z.literal('Authenticated'), user_id: uuid.nullable() });
export type Authenticated = z.infer<typeof authenticated>;
export const authenticateRoutingKey = 'payment.authenticate';

// ---- Payment events (exchange `domain-events`, routing key payment.<entity>.<event>)
const userEvent = { user_id: uuid, at: z.iso.datetime() };
export const userCreated = z.object({ type: z.literal('UserCreated'), ...userEvent });
export const userRemoved = z.object({ type: z.literal('UserRemoved'), ...userEvent });
export const fundsDeposited = z.object({ type: z.literal('FundsDeposited'), ...userEvent, amount: decimal, available: decimal });
export const fundsWithdrawn = z.object({ type: z.literal('FundsWithdrawn'), ...userEvent, amount: decimal, available: decimal });
const sagaEvent = { ...userEvent, saga_id: uuid };
export const fundsReserved = z.object({ type: z.literal('FundsReserved'), ...sagaEvent, amount: decimal });
export const fundsRejected = z.object({ type: z.literal('FundsRejected'), ...sagaEvent, amount: decimal, code: errorCode, reason: z.string() });
/** `amount` = notional + fee, paid from the reservation; `released` = the rest of the reservation, back to available. */
export const fundsCaptured = z.object({
  type: z.literal('FundsCaptured'),
  ...sagaEvent,
  amount: decimal,
  notional: decimal.optional(),
  fee: decimal.optional(),
  released: decimal.optional(),
});
export const fundsReleased = z.object({ type: z.literal('FundsReleased'), ...sagaEvent, amount: decimal });
/** `amount` = the notional; the user's available balance grows by amount − fee, and the house's shrinks by as much. */
export const fundsCredited = z.object({ type: z.literal('FundsCredited'), ...sagaEvent, amount: decimal, fee: decimal.optional() });
export const creditRejected = z.object({ type: z.literal('CreditRejected'), ...sagaEvent, amount: decimal, code: errorCode, reason: z.string() });
/** A user's api key, as its SHA-256: issued at ADD_USER and ROTATE_API_KEY, revoked by a rotation or REMOVE_USER. */
export const credentialIssued = z.object({ type: z.literal('CredentialIssued'), ...userEvent, key_sha256: keyHash });
export const credentialRevoked = z.object({
  type: z.literal('CredentialRevoked'),
  ...userEvent,
  key_sha256: keyHash,
  reason: z.enum(['ROTATED', 'REMOVED']),
});
export const paymentEvent = z.discriminatedUnion('type', [
  userCreated,
  userRemoved,
  credentialIssued,
  credentialRevoked,
  fundsDeposited,
  fundsWithdrawn,
  fundsReserved,
  fundsRejected,
  fundsCaptured,
  fundsReleased,
  fundsCredited,
  creditRejected,
]);
export type PaymentEvent = z.infer<typeof paymentEvent>;
// ---- Trade events (exchange `domain-events`, routing key trade.<entity>.<event>)
const side = z.enum(['BUY', 'SELL']);
/**
 * What every trade event repeats. Until the trade executes, `price` and `notional` are the order's bound (its limit,
 * or a market order's collar) and what it may cost at most; from TradeRecorded on they are the executed figures, with
 * the `fee` and the market tick (`tick_seq`) the price came from. `limit_price` is null for a market order.
 */
const sagaFacts = {
  ...sagaEvent,
  side,
  symbol: z.string(),
  quantity: decimal,
  price: decimal,
  notional: decimal,
  limit_price: decimal.nullable().optional(),
  fee: decimal.optional(),
  tick_seq: z.number().int().positive().optional(),
};
/**
 * An order passed Trade's checks and its saga began. A BUY's `reserve` is what its funds need at most (notional at its
 * bound, and the fee). `request_id` is the client's id of the order (absent from events written before it was added),
 * by which Reporting finds the saga for whoever placed it.
 */
export const orderAccepted = z.object({ type: z.literal('OrderAccepted'), ...sagaFacts, reserve: decimal.optional(), request_id: requestIdSchema.optional() });
export const holdingReserved = z.object({ type: z.literal('HoldingReserved'), ...sagaFacts });
export const tradeRecorded = z.object({ type: z.literal('TradeRecorded'), ...sagaFacts, trade_id: uuid });
export const sagaCompleted = z.object({ type: z.literal('SagaCompleted'), ...sagaFacts, trade_id: uuid, duration_ms: z.number() });
export const sagaFailed = z.object({
  type: z.literal('SagaFailed'),
  ...sagaFacts,
  outcome: z.enum(['REJECTED', 'COMPENSATED', 'TIMED_OUT']),
  code: errorCode,
  reason: z.string(),
  duration_ms: z.number(),
});
/**
 * A BUY whose funds were reserved will not trade (its price moved off its bound, trading halted, recording it
 * failed): its reservation is to be given back. `code` is the reason the client will read.
 */
export const orderCancelled = z.object({ type: z.literal('OrderCancelled'), ...sagaFacts, code: errorCode, reason: z.string() });
/** A BUY whose funds were not reserved within the saga's deadline was given up: anything reserved for it is to be given back. */
export const orderExpired = z.object({ type: z.literal('OrderExpired'), ...sagaFacts, reason: z.string() });
export const tradeEvent = z.discriminatedUnion('type', [
  orderAccepted,
  holdingReserved,
  tradeRecorded,
  orderCancelled,
  orderExpired,
  sagaCompleted,
  sagaFailed,
]);
export type TradeEvent = z.infer<typeof tradeEvent>;

export const domainEvent = z.union([paymentEvent, tradeEvent]);
export type DomainEvent = PaymentEvent | TradeEvent;

/** Routing key of a domain event: producer.entity.event, e.g. payment.funds.reserved. */
export const eventRoutingKeys: Record<DomainEvent['type'], string> = {
  UserCreated: 'payment.user.created',
  UserRemoved: 'payment.user.removed',
  CredentialIssued: 'payment.credential.issued',
  CredentialRevoked: 'payment.credential.revoked',
  FundsDeposited: 'payment.funds.deposited',
  FundsWithdrawn: 'payment.funds.withdrawn',
  FundsReserved: 'payment.funds.reserved',
  FundsRejected: 'payment.funds.rejected',
  FundsCaptured: 'payment.funds.captured',
  FundsReleased: 'payment.funds.released',
  FundsCredited: 'payment.funds.credited',
  CreditRejected: 'payment.credit.rejected',
  OrderAccepted: 'trade.order.accepted',
  HoldingReserved: 'trade.holding.reserved',
  TradeRecorded: 'trade.trade.recorded',
  OrderCancelled: 'trade.order.cancelled',
  OrderExpired: 'trade.order.expired',
  SagaCompleted: 'trade.saga.completed',
  SagaFailed: 'trade.saga.failed',
};

/**
 * What the `events` fanout carries: the domain events one transaction of a producer wrote, in order, as one
 * message. Each event keeps its own id (Reporting stores it once, however often its batch is delivered) and its
 * routing key producer.entity.event, and the correlation id and trace context it was written under.
 */
export const eventBatch = z.object({
  type: z.literal('EventBatch'),
  events: z
    .array(
      z.object({
        id: uuid,
        routing_key: z.string(),
        correlation_id: z.string().optional(),
        /** The W3C trace context the event was written in (tracing), so Reporting's record of it joins that trace. */
        traceparent: z.string().max(128).optional(),
        tracestate: z.string().max(512).optional(),
        event: domainEvent,
      }),
    )
    .min(1),
});
export type EventBatch = z.infer<typeof eventBatch>;

// ---- Market -> anyone who binds (exchange `market`, routing key market.tick.<SYMBOL>): the one live price of a symbol.

/**
 * One price of one symbol from the market service's leader. `price` is a decimal string on the symbol's price tick;
 * `seq` rises strictly per symbol, across restarts and leader hand-overs; `at` is the instant of the tick (ISO 8601).
 */
export const priceTicked = z.object({
  type: z.literal('PriceTicked'),
  symbol: z.string().regex(/^[A-Z0-9]{1,16}$/),
  price: decimal,
  at: z.iso.datetime({ offset: true }),
  seq: z.number().int().positive(),
});
export type PriceTicked = z.infer<typeof priceTicked>;

/** Routing key of a symbol's ticks on the `market` exchange. */
export const priceTickKey = (symbol: string): string => `market.tick.${symbol}`;

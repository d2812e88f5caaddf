import { z } from 'zod';

/*
 * Messages between services: commands are imperative (ReserveFunds), events are past tense (FundsReserved).
 * Every body carries its `type`; the AMQP envelope carries messageId, correlationId and replyTo.
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

// ---- Trade -> Payment saga commands (exchange `payment`)
export const reserveFunds = z.object({ type: z.literal('ReserveFunds'), saga_id: uuid, user_id: uuid, amount: decimal });
/**
 * The BUY's trade is recorded at `notional` (executed price × quantity) plus `fee`: the user pays both out of the
 * reservation, which releases the rest; the house receives them.
 */
export const captureFunds = z.object({
  type: z.literal('CaptureFunds'),
  saga_id: uuid,
  user_id: uuid,
  symbol: z.string(),
  quantity: decimal,
  notional: decimal,
  fee: decimal,
});
export const releaseFunds = z.object({ type: z.literal('ReleaseFunds'), saga_id: uuid, user_id: uuid, reason: z.string() });
/** The SELL's trade is recorded: the house pays the user `amount` (the notional) less `fee`. */
export const creditFunds = z.object({
  type: z.literal('CreditFunds'),
  saga_id: uuid,
  user_id: uuid,
  amount: decimal,
  fee: decimal,
  symbol: z.string(),
  quantity: decimal,
});
export const paymentCommand = z.discriminatedUnion('type', [reserveFunds, captureFunds, releaseFunds, creditFunds]);
export type PaymentCommand = z.infer<typeof paymentCommand>;

// ---- Payment events (exchange `payment-response`, routing key payment.<entity>.<event>)
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
/** The payment events that answer a saga command; Trade's queue is bound to these. */
export const sagaReplyTypes = ['FundsReserved', 'FundsRejected', 'FundsCaptured', 'FundsReleased', 'FundsCredited', 'CreditRejected'] as const;

// ---- Trade events (exchange `api-response`, routing key trade.<entity>.<event>)
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
export const sagaStarted = z.object({ type: z.literal('SagaStarted'), ...sagaFacts });
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
export const tradeEvent = z.discriminatedUnion('type', [sagaStarted, holdingReserved, tradeRecorded, sagaCompleted, sagaFailed]);
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
  SagaStarted: 'trade.saga.started',
  HoldingReserved: 'trade.holding.reserved',
  TradeRecorded: 'trade.trade.recorded',
  SagaCompleted: 'trade.saga.completed',
  SagaFailed: 'trade.saga.failed',
};

export const commandRoutingKeys: Record<PaymentCommand['type'], string> = {
  ReserveFunds: 'payment.reserve_funds',
  CaptureFunds: 'payment.capture_funds',
  ReleaseFunds: 'payment.release_funds',
  CreditFunds: 'payment.credit_funds',
};

/**
 * What the `events` fanout carries: the domain events one transaction of a producer wrote, in order, as one
 * message. Each event keeps its own id (Reporting stores it once, however often its batch is delivered) and its
 * routing key producer.entity.event, and the correlation id it was written under.
 */
export const eventBatch = z.object({
  type: z.literal('EventBatch'),
  events: z.array(z.object({ id: uuid, routing_key: z.string(), correlation_id: z.string().optional(), event: domainEvent })).min(1),
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

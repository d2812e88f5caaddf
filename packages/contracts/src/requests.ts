import { z } from 'zod';
import { isCleanId, withinTimeBounds } from './bounds.ts';
import { checkAmount } from './money.ts';
import { decodeTradeCursor } from './tradeCursor.ts';

/**
 * A client's own request id, echoed in its reply: 1 to 128 code points with no control character and no lone
 * surrogate, or a safe integer, kept as the client sent it.
 */
export const requestIdSchema = z.union([z.string().refine(isCleanId), z.number().int().refine(Number.isSafeInteger)]);
export type RequestId = z.infer<typeof requestIdSchema>;

/** A user id, lower-cased here so that one user is one key everywhere (an upper-case re-send is the same request). */
const userId = z.uuid({ message: 'must be a user id as returned by ADD_USER' }).transform((s) => s.toLowerCase());
/** On an authenticated connection a request without `user_id` acts for the principal (see principal.ts). */
const subject = userId.optional();
const symbol = z
  .string()
  .regex(/^[A-Za-z0-9]{1,16}$/, { message: 'must be a symbol such as "AAPL" (letters and digits)' })
  .transform((s) => s.toUpperCase());

const amount = z.unknown().transform((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  }
  const checked = checkAmount(value);
  if (checked.ok) return checked.value;
  ctx.addIssue({ code: 'custom', message: checked.message, params: { rule: checked.rule } });
  return z.NEVER;
});

const base = { id: requestIdSchema };

export const addUserRequest = z.strictObject({ ...base, type: z.literal('ADD_USER') });
export const removeUserRequest = z.strictObject({ ...base, type: z.literal('REMOVE_USER'), user_id: subject });
export const depositRequest = z.strictObject({ ...base, type: z.literal('DEPOSIT'), user_id: subject, amount });
export const withdrawRequest = z.strictObject({ ...base, type: z.literal('WITHDRAW'), user_id: subject, amount });
export const userInfoRequest = z.strictObject({ ...base, type: z.literal('USER_INFO'), user_id: subject });
export const rotateApiKeyRequest = z.strictObject({ ...base, type: z.literal('ROTATE_API_KEY'), user_id: subject });
/**
 * Authenticates the connection (for browsers, which cannot set the Authorization header). Answered by the gateway.
 * With `api_key` it acts as the key's owner; with `stream_ticket` (the dashboard's, streamTicket.ts) it may only
 * follow the public feeds, and a later LOGIN with another ticket extends its lease. Exactly one of the two.
 */
export const loginRequest = z.strictObject({
  ...base,
  type: z.literal('LOGIN'),
  api_key: z.string().min(1).max(256).optional(),
  stream_ticket: z.string().min(1).max(512).optional(),
});
const order = { ...base, user_id: subject, symbol, amount, price: amount.optional() };
export const buyRequest = z.strictObject({ ...order, type: z.literal('BUY') });
export const sellRequest = z.strictObject({ ...order, type: z.literal('SELL') });
export const portfolioRequest = z.strictObject({ ...base, type: z.literal('PORTFOLIO'), user_id: subject });
export const tradesRequest = z.strictObject({
  ...base,
  type: z.literal('TRADES'),
  user_id: subject,
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(200)
    .refine((cursor) => decodeTradeCursor(cursor) !== null, { message: 'not a next_cursor of a TRADES reply' })
    .optional(),
});
const isoTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time such as "2026-01-31T09:00:00Z"' })
  .refine((time) => withinTimeBounds(Date.parse(time)), { message: 'must lie between 1970 and 9999 UTC' });
/**
 * Where one of the user's orders stands: named by its `order_id` (every BUY and SELL reply carries it) or by the
 * request id that placed it (scoped as that request was: the same principal and user). Exactly one of the two.
 */
export const orderStatusRequest = z
  .strictObject({ ...base, type: z.literal('ORDER_STATUS'), user_id: subject, order_id: userId.optional(), request_id: requestIdSchema.optional() })
  .refine((request) => (request.order_id === undefined) !== (request.request_id === undefined), {
    message: 'name exactly one of order_id or request_id',
    path: ['order_id'],
  });
/** The latest market price Trade holds for a symbol (any authenticated connection). */
export const quoteRequest = z.strictObject({ ...base, type: z.literal('QUOTE'), symbol });
/** The operator halts or resumes trading in one symbol or one whole market (admin key only). */
const haltScope = {
  ...base,
  symbol: symbol.optional(),
  market: z
    .string()
    .regex(/^[A-Za-z]{1,32}$/, { message: 'must be a market name such as "Crypto"' })
    .optional(),
};
const oneScope = (request: { symbol?: string; market?: string }) => (request.symbol === undefined) !== (request.market === undefined);
const scopeRule = { message: 'name exactly one of symbol or market', path: ['symbol'] };
export const haltRequest = z.strictObject({ ...haltScope, type: z.literal('HALT') }).refine(oneScope, scopeRule);
export const resumeRequest = z.strictObject({ ...haltScope, type: z.literal('RESUME') }).refine(oneScope, scopeRule);
export const reportRequest = z.strictObject({
  ...base,
  type: z.literal('REPORT'),
  from: isoTime.optional(),
  to: isoTime.optional(),
  user_id: userId.optional(),
  symbol: symbol.optional(),
  event_type: z
    .string()
    .regex(/^[A-Za-z]{1,64}$/)
    .optional(),
});

/**
 * The live feeds a socket may subscribe to (README, Streams): two public ones per symbol, named by `symbol`, and one
 * user's `account`, named by `user_id` (the principal's own when omitted; the operator must name one).
 */
export const feedChannels = ['ticker', 'trades', 'account'] as const;
export type FeedChannel = (typeof feedChannels)[number];
const feed = { ...base, channel: z.enum(feedChannels), symbol: symbol.optional(), user_id: subject };
/** A public feed names its symbol and no user; `account` names no symbol. */
const feedNamed = (request: { channel: FeedChannel; symbol?: string; user_id?: string }) =>
  request.channel === 'account' ? request.symbol === undefined : request.symbol !== undefined && request.user_id === undefined;
const feedRule = { message: 'ticker and trades name a symbol (and no user_id); account names no symbol', path: ['symbol'] };
/** Starts a feed on this socket (answered by the gateway): its snapshot in the reply, then its changes. */
export const subscribeRequest = z.strictObject({ ...feed, type: z.literal('SUBSCRIBE') }).refine(feedNamed, feedRule);
export const unsubscribeRequest = z.strictObject({ ...feed, type: z.literal('UNSUBSCRIBE') }).refine(feedNamed, feedRule);

/** Every request type a service answers, with its schema, the exchange it travels on and its routing key. */
export const requestRoutes = {
  ROTATE_API_KEY: { schema: rotateApiKeyRequest, exchange: 'payment', routingKey: 'payment.rotate_api_key' },
  ADD_USER: { schema: addUserRequest, exchange: 'payment', routingKey: 'payment.add_user' },
  REMOVE_USER: { schema: removeUserRequest, exchange: 'payment', routingKey: 'payment.remove_user' },
  DEPOSIT: { schema: depositRequest, exchange: 'payment', routingKey: 'payment.deposit' },
  WITHDRAW: { schema: withdrawRequest, exchange: 'payment', routingKey: 'payment.withdraw' },
  USER_INFO: { schema: userInfoRequest, exchange: 'payment', routingKey: 'payment.user_info' },
  BUY: { schema: buyRequest, exchange: 'api', routingKey: 'trade.buy' },
  SELL: { schema: sellRequest, exchange: 'api', routingKey: 'trade.sell' },
  PORTFOLIO: { schema: portfolioRequest, exchange: 'api', routingKey: 'trade.portfolio' },
  TRADES: { schema: tradesRequest, exchange: 'api', routingKey: 'trade.trades' },
  QUOTE: { schema: quoteRequest, exchange: 'api', routingKey: 'trade.quote' },
  ORDER_STATUS: { schema: orderStatusRequest, exchange: 'api', routingKey: 'trade.order_status' },
  HALT: { schema: haltRequest, exchange: 'api', routingKey: 'trade.halt' },
  RESUME: { schema: resumeRequest, exchange: 'api', routingKey: 'trade.resume' },
  /** A query: it expires with its reply timeout, so one whose client gave up is never run (topology.ts). */
  REPORT: { schema: reportRequest, exchange: 'api', routingKey: 'reporting.report', query: true },
} as const;

/** The requests the gateway answers itself: LOGIN, and the feeds of its sockets. */
const gatewaySchemas = { LOGIN: loginRequest, SUBSCRIBE: subscribeRequest, UNSUBSCRIBE: unsubscribeRequest };
/** Every request type a client may send: the routed ones and those the gateway answers itself. */
export const requestSchemas = {
  ...Object.fromEntries(Object.entries(requestRoutes).map(([type, route]) => [type, route.schema])),
  ...gatewaySchemas,
} as {
  [T in RoutedRequestType]: (typeof requestRoutes)[T]['schema'];
} & typeof gatewaySchemas;

export type RoutedRequestType = keyof typeof requestRoutes;
export type RequestType = RoutedRequestType | keyof typeof gatewaySchemas;

/** A request as the client sent it: `user_id` may be missing (it then acts for the connection's principal). */
export type RequestInput = z.infer<(typeof requestSchemas)[RequestType]>;
/** The request types that act on one user's account, and so carry `user_id` once authorised. */
export const userScopedTypes = [
  'REMOVE_USER',
  'DEPOSIT',
  'WITHDRAW',
  'USER_INFO',
  'ROTATE_API_KEY',
  'BUY',
  'SELL',
  'PORTFOLIO',
  'TRADES',
  'ORDER_STATUS',
] as const;
/** The request types only the operator may send. */
export const operatorTypes = ['HALT', 'RESUME'] as const;
type UserScoped<T> = T extends { type: (typeof userScopedTypes)[number] } ? Omit<T, 'user_id'> & { user_id: string } : T;

/** A request after authorisation (principal.ts): a user-scoped request always names the user it acts for. */
export type AddUserRequest = z.infer<typeof addUserRequest>;
export type RemoveUserRequest = UserScoped<z.infer<typeof removeUserRequest>>;
export type DepositRequest = UserScoped<z.infer<typeof depositRequest>>;
export type WithdrawRequest = UserScoped<z.infer<typeof withdrawRequest>>;
export type UserInfoRequest = UserScoped<z.infer<typeof userInfoRequest>>;
export type RotateApiKeyRequest = UserScoped<z.infer<typeof rotateApiKeyRequest>>;
export type LoginRequest = z.infer<typeof loginRequest>;
export type SubscribeRequest = z.infer<typeof subscribeRequest>;
export type UnsubscribeRequest = z.infer<typeof unsubscribeRequest>;
export type BuyRequest = UserScoped<z.infer<typeof buyRequest>>;
export type SellRequest = UserScoped<z.infer<typeof sellRequest>>;
export type PortfolioRequest = UserScoped<z.infer<typeof portfolioRequest>>;
export type TradesRequest = UserScoped<z.infer<typeof tradesRequest>>;
export type OrderStatusRequest = UserScoped<z.infer<typeof orderStatusRequest>>;
export type ReportRequest = z.infer<typeof reportRequest>;
export type QuoteRequest = z.infer<typeof quoteRequest>;
export type HaltRequest = z.infer<typeof haltRequest>;
export type ResumeRequest = z.infer<typeof resumeRequest>;
export type PaymentRequest = AddUserRequest | RemoveUserRequest | DepositRequest | WithdrawRequest | UserInfoRequest | RotateApiKeyRequest;
export type TradeRequest = BuyRequest | SellRequest | PortfolioRequest | TradesRequest | OrderStatusRequest | QuoteRequest | HaltRequest | ResumeRequest;
/** A request a service answers, authorised. */
export type ClientRequest = PaymentRequest | TradeRequest | ReportRequest;

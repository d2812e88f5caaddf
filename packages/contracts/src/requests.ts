import { z } from 'zod';
import { checkAmount } from './money.ts';

/** A client's own request id, echoed in its reply. A string, or an integer kept as the client sent it. */
export const requestIdSchema = z.union([z.string().min(1).max(128), z.number().int()]);
export type RequestId = z.infer<typeof requestIdSchema>;

const userId = z.uuid({ message: 'must be a user id as returned by ADD_USER' });
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
export const removeUserRequest = z.strictObject({ ...base, type: z.literal('REMOVE_USER'), user_id: userId });
export const depositRequest = z.strictObject({ ...base, type: z.literal('DEPOSIT'), user_id: userId, amount });
export const withdrawRequest = z.strictObject({ ...base, type: z.literal('WITHDRAW'), user_id: userId, amount });
export const userInfoRequest = z.strictObject({ ...base, type: z.literal('USER_INFO'), user_id: userId });
const order = { ...base, user_id: userId, symbol, amount, price: amount.optional() };
export const buyRequest = z.strictObject({ ...order, type: z.literal('BUY') });
export const sellRequest = z.strictObject({ ...order, type: z.literal('SELL') });
export const portfolioRequest = z.strictObject({ ...base, type: z.literal('PORTFOLIO'), user_id: userId });
export const tradesRequest = z.strictObject({
  ...base,
  type: z.literal('TRADES'),
  user_id: userId,
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as "2026-01-31T09:00:00Z"' });
export const reportRequest = z.strictObject({
  ...base,
  type: z.literal('REPORT'),
  from: isoTime.optional(),
  to: isoTime.optional(),
  user_id: userId.optional(),
  symbol: symbol.optional(),
  event_type: z.string().regex(/^[A-Za-z]{1,64}$/).optional(),
});

/** Every request type, with its schema, the exchange it travels on and its routing key. */
export const requestRoutes = {
  ADD_USER: { schema: addUserRequest, exchange: 'payment', routingKey: 'payment.add_user' },
  REMOVE_USER: { schema: removeUserRequest, exchange: 'payment', routingKey: 'payment.remove_user' },
  DEPOSIT: { schema: depositRequest, exchange: 'payment', routingKey: 'payment.deposit' },
  WITHDRAW: { schema: withdrawRequest, exchange: 'payment', routingKey: 'payment.withdraw' },
  USER_INFO: { schema: userInfoRequest, exchange: 'payment', routingKey: 'payment.user_info' },
  BUY: { schema: buyRequest, exchange: 'api', routingKey: 'trade.buy' },
  SELL: { schema: sellRequest, exchange: 'api', routingKey: 'trade.sell' },
  PORTFOLIO: { schema: portfolioRequest, exchange: 'api', routingKey: 'trade.portfolio' },
  TRADES: { schema: tradesRequest, exchange: 'api', routingKey: 'trade.trades' },
  REPORT: { schema: reportRequest, exchange: 'api', routingKey: 'reporting.report' },
} as const;

export type RequestType = keyof typeof requestRoutes;
export type AddUserRequest = z.infer<typeof addUserRequest>;
export type RemoveUserRequest = z.infer<typeof removeUserRequest>;
export type DepositRequest = z.infer<typeof depositRequest>;
export type WithdrawRequest = z.infer<typeof withdrawRequest>;
export type UserInfoRequest = z.infer<typeof userInfoRequest>;
export type BuyRequest = z.infer<typeof buyRequest>;
export type SellRequest = z.infer<typeof sellRequest>;
export type PortfolioRequest = z.infer<typeof portfolioRequest>;
export type TradesRequest = z.infer<typeof tradesRequest>;
export type ReportRequest = z.infer<typeof reportRequest>;
export type PaymentRequest = AddUserRequest | RemoveUserRequest | DepositRequest | WithdrawRequest | UserInfoRequest;
export type TradeRequest = BuyRequest | SellRequest | PortfolioRequest | TradesRequest;
export type ClientRequest = PaymentRequest | TradeRequest | ReportRequest;

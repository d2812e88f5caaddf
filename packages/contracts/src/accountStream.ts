import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OutgoingMessage } from './envelopes.ts';
import { requestIdSchema } from './requests.ts';
import { exchanges } from './topology.ts';

/*
 * The `account` stream (README, Streams): the changes of one user's account as its owner sees them, published by the
 * services that make them, each in the transaction of its change (the outbox), on the `accounts` topic exchange with
 * routing key account.<user_id>. Payment announces the funds (balance and reservation), Trade the holdings and each
 * order's state. There is no counter the two share (each service has its own database): every change names its
 * `source` and its `seq` in that source's sequence per user, advanced in the transaction that makes the change.
 */

/** Who announces a change, and whose sequence its `seq` is in. */
export const accountSources = ['payment', 'trade'] as const;
export type AccountSource = (typeof accountSources)[number];

/** An order's state as clients see it (README, Streams: one table per side). */
export const orderStates = ['ACCEPTED', 'FUNDS_RESERVED', 'HOLDING_RESERVED', 'FILLED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT'] as const;

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const uuid = z.uuid();
const base = { type: z.literal('ACCOUNT'), seq: z.number().int().positive(), user_id: uuid, at: z.iso.datetime() };

/** Payment: the account's balances after the change, and what moved them (a ledger kind, and the order if any). */
export const fundsChange = z.object({
  ...base,
  source: z.literal('payment'),
  change: z.literal('FUNDS'),
  balance: decimal,
  reserved: decimal,
  cause: z.object({ kind: z.string(), order_id: uuid.optional() }),
});
/** Trade: a holding after the change; quantity and reserved both 0 when the holding is gone. */
export const holdingChange = z.object({
  ...base,
  source: z.literal('trade'),
  change: z.literal('HOLDING'),
  symbol: z.string(),
  quantity: decimal,
  reserved: decimal,
});
/**
 * Trade: an order's new state, with the request id that placed it (`request_id`, as ORDER_STATUS names it: a feed
 * message has no `id`, which a client matches replies by) and its order_id; `code` says why a failed one failed.
 */
export const orderChange = z.object({
  ...base,
  source: z.literal('trade'),
  change: z.literal('ORDER'),
  request_id: requestIdSchema,
  order_id: uuid,
  side: z.enum(['BUY', 'SELL']),
  symbol: z.string(),
  amount: decimal,
  state: z.enum(orderStates),
  code: z.string().optional(),
});
export const accountChange = z.discriminatedUnion('change', [fundsChange, holdingChange, orderChange]);
export type AccountChange = z.infer<typeof accountChange>;
/** A change as its producer describes it, before its number is given. */
export type UnnumberedChange = AccountChange extends infer T ? (T extends unknown ? Omit<T, 'type' | 'seq' | 'source'> : never) : never;

/** A user id as it may appear in a routing key: a lower-case UUID (no `.`, `*` or `#`, which would change its meaning). */
const ROUTABLE_USER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The routing key of a user's changes on `accounts`: account.<user_id>. Throws for anything but a lower-case UUID. */
export function accountKey(userId: string): string {
  if (!ROUTABLE_USER.test(userId)) throw new Error(`not a routable user id: ${JSON.stringify(userId)}`);
  return `account.${userId}`;
}

/** The routing keys a producer may publish on `accounts` and a gateway may bind (brokerPermissions.ts). */
export const ACCOUNT_KEY_PATTERN = '^account\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** One change as the outbox publishes it. Its `body.seq` is given before the transaction's outbox rows are written. */
export function accountChangeMessage(body: AccountChange): OutgoingMessage {
  return { exchange: exchanges.accounts, routingKey: accountKey(body.user_id), messageId: randomUUID(), type: 'ACCOUNT', body };
}

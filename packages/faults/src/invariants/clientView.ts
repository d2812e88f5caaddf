import { Decimal } from '@trading/contracts';
import { definitiveReply, type RequestRecord } from '../load/records.ts';
import type { CheckResult, Connections } from './types.ts';

type Totals = { exists: boolean; deposited: string; withdrawn: string; buys: string; bought: string; sells: string; sold: string };
const FIELDS = ['deposited', 'withdrawn', 'buys', 'bought', 'sells', 'sold'] as const;

/** What the clients were told, per user: the sums of the amounts their definitive OK replies confirmed. */
export function clientTotals(records: readonly RequestRecord[]): Map<string, Omit<Totals, 'exists'>> {
  const totals = new Map<string, Record<(typeof FIELDS)[number], Decimal>>();
  const of = (userId: string) => {
    let t = totals.get(userId);
    if (!t) totals.set(userId, (t = Object.fromEntries(FIELDS.map((f) => [f, new Decimal(0)])) as Record<(typeof FIELDS)[number], Decimal>));
    return t;
  };
  for (const record of records) {
    const reply = definitiveReply(record);
    const { user_id: userId, amount } = record.body as { user_id?: string; amount?: string };
    if (record.type === 'ADD_USER' && reply?.status === 'OK') of(String(reply.user_id));
    if (!userId) continue;
    const t = of(userId);
    if (reply?.status !== 'OK' || amount === undefined) continue;
    if (record.type === 'DEPOSIT') t.deposited = t.deposited.add(amount);
    if (record.type === 'WITHDRAW') t.withdrawn = t.withdrawn.add(amount);
    if (record.type === 'BUY') [t.buys, t.bought] = [t.buys.add(1), t.bought.add(amount)];
    if (record.type === 'SELL') [t.sells, t.sold] = [t.sells.add(1), t.sold.add(amount)];
  }
  return new Map([...totals].map(([user, t]) => [user, Object.fromEntries(FIELDS.map((f) => [f, t[f].toFixed()])) as Omit<Totals, 'exists'>]));
}

/** Payment's side of a user's totals: whether the account exists, and its deposits and withdrawals. */
const PAYMENT_TOTALS = `
  SELECT u.user_id::text AS user_id, a.user_id IS NOT NULL AS exists,
    (SELECT coalesce(sum(available_delta), 0) FROM payment.ledger l WHERE l.user_id = u.user_id AND kind = 'DEPOSIT')::text AS deposited,
    (SELECT coalesce(-sum(available_delta), 0) FROM payment.ledger l WHERE l.user_id = u.user_id AND kind = 'WITHDRAWAL')::text AS withdrawn
  FROM unnest($1::uuid[]) AS u(user_id) LEFT JOIN payment.account a ON a.user_id = u.user_id`;

/** Trade's side: the user's trades. */
const TRADE_TOTALS = `
  SELECT u.user_id::text AS user_id,
    (SELECT count(*) FROM trade.trade t WHERE t.user_id = u.user_id AND side = 'BUY')::text AS buys,
    (SELECT coalesce(sum(quantity), 0) FROM trade.trade t WHERE t.user_id = u.user_id AND side = 'BUY')::text AS bought,
    (SELECT count(*) FROM trade.trade t WHERE t.user_id = u.user_id AND side = 'SELL')::text AS sells,
    (SELECT coalesce(sum(quantity), 0) FROM trade.trade t WHERE t.user_id = u.user_id AND side = 'SELL')::text AS sold
  FROM unnest($1::uuid[]) AS u(user_id)`;

/**
 * The clients' view against the records: for each user of the load, the deposits, withdrawals and trades
 * confirmed OK add up to exactly what the ledger and trade.trade hold. An ERROR that had an effect, an OK
 * without one, or an effect applied twice all break it. Payment's and Trade's sides are read from their own databases.
 */
export async function checkClientView(dbs: Connections, records: readonly RequestRecord[]): Promise<CheckResult> {
  const told = clientTotals(records);
  const users = [[...told.keys()]];
  const payment = (await dbs.payment.query<Pick<Totals, 'exists' | 'deposited' | 'withdrawn'> & { user_id: string }>(PAYMENT_TOTALS, users)).rows;
  const trades = new Map(
    (await dbs.trade.query<Pick<Totals, 'buys' | 'bought' | 'sells' | 'sold'> & { user_id: string }>(TRADE_TOTALS, users)).rows.map((r) => [r.user_id, r]),
  );
  const rows: (Totals & { user_id: string })[] = payment.map((row) => ({ ...row, ...trades.get(row.user_id)! }));
  const violations = rows.flatMap((row): { user_id: string; field: string; client?: string; database: string }[] => {
    const client = told.get(row.user_id);
    if (!row.exists) return [{ user_id: row.user_id, field: 'account', client: 'exists', database: 'missing' }];
    return FIELDS.filter((f) => client && !new Decimal(client[f]).eq(row[f])).map((f) => ({
      user_id: row.user_id,
      field: f,
      client: client?.[f],
      database: row[f],
    }));
  });
  return {
    name: 'client-view-equals-records',
    rule: "per load user, the amounts of OK-confirmed DEPOSIT, WITHDRAW, BUY and SELL equal the ledger's deposits and withdrawals and trade.trade's trades",
    ok: violations.length === 0,
    violations: violations.length,
    examples: violations.slice(0, 10),
  };
}

import type { Reply } from '@trading/contracts';
import { testEnv, TradingClient } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';

/** A user as a client knows it: the id and the key ADD_USER showed once, and the socket ADD_USER authenticated. */
export type Account = { userId: string; apiKey: string; client: TradingClient };

/** ADD_USER on an anonymous socket, as the seed's wscat flow does: the socket then acts as the new user. */
export async function newAccount(gatewayUrl: string, deposit = '0'): Promise<Account> {
  const client = await TradingClient.connect(gatewayUrl, { apiKey: null });
  const added = await client.request({ type: 'ADD_USER' });
  expect(added, JSON.stringify(added)).to.include({ status: 'OK' });
  expect(added.api_key).to.be.a('string');
  if (deposit !== '0') expect(await client.request({ type: 'DEPOSIT', amount: deposit })).to.include({ status: 'OK' });
  return { userId: String(added.user_id), apiKey: String(added.api_key), client };
}

/** What a user owns, read through the operator's socket: balances, holdings and trades. */
export async function ownedBy(operator: TradingClient, userId: string): Promise<Record<string, unknown>> {
  const [info, portfolio, trades] = await Promise.all([
    operator.request({ type: 'USER_INFO', user_id: userId }),
    operator.request({ type: 'PORTFOLIO', user_id: userId }),
    operator.request({ type: 'TRADES', user_id: userId }),
  ]);
  return { status: info.status, amount: info.amount, reserved: info.reserved, holdings: portfolio.holdings, trades: trades.trades };
}

/** The database of the run, for what no reply shows: inbox rows, stored keys. */
export async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Inbox rows (Payment's and Trade's) whose key names the user: one per request applied for it. */
export async function inboxRowsOf(userId: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    `SELECT (SELECT count(*) FROM payment.inbox WHERE key LIKE '%' || $1 || '%') + (SELECT count(*) FROM trade.inbox WHERE key LIKE '%' || $1 || '%') AS n`,
    [userId],
  );
  return Number(row?.n);
}

export function expectRefused(reply: Reply, codes: readonly string[]): void {
  expect(reply.status, JSON.stringify(reply)).to.equal('ERROR');
  expect(codes, JSON.stringify(reply)).to.include(reply.code);
}

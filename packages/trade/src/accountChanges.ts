import type { OutgoingMessage } from '@trading/contracts';
import { accountStream, type SqlClient } from '@trading/db';
import type { Saga } from './domain.ts';
import type { HoldingAfter } from './holdingStore.ts';
import type { OrderState } from './orderState.ts';

/**
 * Trade's changes on the `account` stream (contracts' accountStream.ts): each order's new state and each holding as a
 * saga's step left it. The counter is trade.account_stream's row of the user: one upsert for every user of a batch,
 * in user order as every transaction takes its locks.
 */
const announce = accountStream('trade', async (tx, counts) => {
  const rows = await tx.$queryRawUnsafe<{ user_id: string; seq: string }[]>(
    `INSERT INTO trade.account_stream AS a (user_id, seq)
     SELECT user_id, n FROM unnest($1::uuid[], $2::bigint[]) AS c(user_id, n) ORDER BY user_id
     ON CONFLICT (user_id) DO UPDATE SET seq = a.seq + EXCLUDED.seq
     RETURNING a.user_id::text, a.seq::text`,
    [...counts.keys()],
    [...counts.values()],
  );
  return new Map(rows.map((row) => [row.user_id, Number(row.seq)]));
});

/** An order's state, announced in the transaction that put it there; `code` says why a failed one failed. */
export async function announceOrder(tx: SqlClient, saga: Saga, state: OrderState, at: Date, code?: string | null): Promise<OutgoingMessage> {
  return announce(tx, {
    change: 'ORDER',
    user_id: saga.userId,
    at: at.toISOString(),
    request_id: saga.requestId,
    order_id: saga.id,
    side: saga.side,
    symbol: saga.symbol,
    amount: saga.quantity,
    state,
    ...(code ? { code } : {}),
  });
}

/** The saga's holding as its step left it. */
export async function announceHolding(tx: SqlClient, saga: Saga, after: HoldingAfter, at: Date): Promise<OutgoingMessage> {
  return announce(tx, { change: 'HOLDING', user_id: saga.userId, at: at.toISOString(), symbol: saga.symbol, ...after });
}

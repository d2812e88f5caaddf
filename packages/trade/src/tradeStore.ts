import type { TradePosition } from '@trading/contracts';
import { canonicalDecimal } from '@trading/contracts';
import { batchedWrite, columns, batchedStatements, type SqlClient } from '@trading/db';
import type { Saga, Side } from './domain.ts';

/** A recorded trade, as TRADES lists it. */
export type TradeRecord = { id: string; side: Side; symbol: string; quantity: string; price: string; notional: string; executedAt: Date };

/** Where a page of trades continues: after this trade, newest first. */
export type { TradePosition };

type NewTrade = { saga: Saga; tradeId: string; executedAt: Date };

/** The statements the sagas of a batch share (batched statements). */
const statements = batchedStatements((tx) => ({
  insert: batchedWrite((trades: readonly NewTrade[]) => insertTrades(tx, trades)),
  delete: batchedWrite((sagaIds: readonly string[]) => deleteTrades(tx, sagaIds)),
}));

export async function insertTrade(tx: SqlClient, saga: Saga, tradeId: string, executedAt: Date): Promise<void> {
  await statements(tx).insert({ saga, tradeId, executedAt });
}

/** Voids the trade of a SELL whose credit Payment refused. */
export async function deleteTrade(tx: SqlClient, sagaId: string): Promise<void> {
  await statements(tx).delete(sagaId);
}

/** A trade at its saga's execution: the market tick's price and seq, the notional and the fee. */
async function insertTrades(tx: SqlClient, trades: readonly NewTrade[]): Promise<void> {
  const execution = (t: NewTrade) => {
    if (!t.saga.execution) throw new Error(`saga ${t.saga.id} records a trade without an execution`);
    return t.saga.execution;
  };
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.trade (id, saga_id, user_id, side, symbol, quantity, price, notional, fee, tick_seq, executed_at)
     SELECT id, saga_id, user_id, side::trade."Side", symbol, quantity, price, notional, fee, tick_seq, executed_at
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[],
       $10::bigint[], $11::timestamptz[])
       AS t(id, saga_id, user_id, side, symbol, quantity, price, notional, fee, tick_seq, executed_at)`,
    ...columns(trades, [
      (t) => t.tradeId,
      (t) => t.saga.id,
      (t) => t.saga.userId,
      (t) => t.saga.side,
      (t) => t.saga.symbol,
      (t) => t.saga.quantity,
      (t) => execution(t).price,
      (t) => execution(t).notional,
      (t) => execution(t).fee,
      (t) => execution(t).tickSeq || null,
      (t) => t.executedAt,
    ]),
  );
}

async function deleteTrades(tx: SqlClient, sagaIds: readonly string[]): Promise<void> {
  await tx.$executeRawUnsafe(`DELETE FROM trade.trade WHERE saga_id = ANY($1::uuid[])`, sagaIds);
}

/** A user's trades, newest first, after `after` when given. */
export async function pageTrades(db: SqlClient, userId: string, after: TradePosition | undefined, limit: number): Promise<TradeRecord[]> {
  const rows = await db.$queryRawUnsafe<{ id: string; side: Side; symbol: string; quantity: string; price: string; notional: string; executed_at: Date }[]>(
    `SELECT id, side, symbol, quantity::text, price::text, notional::text, executed_at FROM trade.trade
     WHERE user_id = $1::uuid AND ($2::timestamptz IS NULL OR (executed_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY executed_at DESC, id DESC LIMIT $4`,
    userId,
    after?.executedAt ?? null,
    after?.id ?? null,
    limit,
  );
  return rows.map((r) => ({
    id: r.id,
    side: r.side,
    symbol: r.symbol,
    quantity: canonicalDecimal(r.quantity),
    price: canonicalDecimal(r.price),
    notional: canonicalDecimal(r.notional),
    executedAt: new Date(r.executed_at),
  }));
}

import { decodeTradeCursor, encodeTradeCursor, errorReply, okReply, type Reply, type TradesRequest } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { pageTrades, type TradeRecord } from './tradeStore.ts';

/** TRADES: a user's trades, newest first, `limit` per page; `next_cursor` (null on the last page) fetches the next. */
export async function tradesReply(db: SqlClient, request: TradesRequest): Promise<Reply> {
  const after = request.cursor === undefined ? undefined : decodeTradeCursor(request.cursor);
  if (after === null) return errorReply(request.id, request.type, 'INVALID_REQUEST', 'cursor: not a next_cursor of a TRADES reply', { field: 'cursor' });
  const rows = await pageTrades(db, request.user_id, after, request.limit + 1);
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  return okReply(request.id, request.type, `${page.length} trade(s)`, {
    user_id: request.user_id,
    trades: page.map(describeTrade),
    next_cursor: rows.length > request.limit && last ? encodeTradeCursor(last) : null,
  });
}

function describeTrade(trade: TradeRecord) {
  const { id, side, symbol, quantity, price, notional, executedAt } = trade;
  return { trade_id: id, side, symbol, amount: quantity, price, notional, executed_at: executedAt.toISOString() };
}

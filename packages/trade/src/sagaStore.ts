import type { Reply, RequestId } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { canonical } from './canonical.ts';
import { openStates, type Saga, type SagaState } from './domain.ts';

/*
 * trade.saga and trade.saga_waiter. Every function runs in the caller's transaction.
 */

const COLUMNS = `id, request_id, side, user_id, symbol, quantity::text, price::text, notional::text, market_order, state,
  trade_id, failure_reason, created_at`;

type SagaRow = {
  id: string;
  request_id: RequestId;
  side: Saga['side'];
  user_id: string;
  symbol: string;
  quantity: string;
  price: string;
  notional: string;
  market_order: boolean;
  state: SagaState;
  trade_id: string | null;
  failure_reason: string | null;
  created_at: Date;
};

/** Where a saga's reply goes: the request that started it, or a re-send of it (same user and id). */
export type Waiter = { clientId: RequestId; replyTo: string; correlationId: string };

export async function insertSaga(tx: SqlClient, saga: Saga, request: { key: string; hash: string }, deadline: Date): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.saga (id, request_key, request_hash, request_id, side, user_id, symbol, quantity, price, notional,
       market_order, state, trade_id, deadline, created_at, updated_at)
     VALUES ($1::uuid, $2, $3, $4::jsonb, $5::trade."Side", $6::uuid, $7, $8::numeric, $9::numeric, $10::numeric,
       $11, $12::trade."SagaState", $13::uuid, $14::timestamptz, $15::timestamptz, $15::timestamptz)`,
    saga.id, request.key, request.hash, JSON.stringify(saga.requestId), saga.side, saga.userId, saga.symbol, saga.quantity,
    saga.price, saga.notional, saga.marketOrder, saga.state, saga.tradeId, deadline, saga.createdAt,
  );
}

/** Reads a saga and locks it until the transaction ends: its events and the timeout sweeper take turns. */
export async function lockSaga(tx: SqlClient, id: string): Promise<Saga | undefined> {
  const [row] = await tx.$queryRawUnsafe<SagaRow[]>(`SELECT ${COLUMNS} FROM trade.saga WHERE id = $1::uuid FOR UPDATE`, id);
  return row && toSaga(row);
}

/** Open sagas past their deadline, locked; those another instance is handling are skipped. */
export async function lockOverdueSagas(tx: SqlClient, now: Date, limit: number): Promise<Saga[]> {
  const rows = await tx.$queryRawUnsafe<SagaRow[]>(
    `SELECT ${COLUMNS} FROM trade.saga WHERE state = ANY($1::trade."SagaState"[]) AND deadline < $2::timestamptz
     ORDER BY deadline LIMIT $3 FOR UPDATE SKIP LOCKED`,
    openStates, now, limit,
  );
  return rows.map(toSaga);
}

export type SagaChange = { state: SagaState; deadline?: Date; tradeId?: string; reply?: Reply; failureCode?: string; failureReason?: string };

export async function updateSaga(tx: SqlClient, id: string, now: Date, change: SagaChange): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE trade.saga SET state = $2::trade."SagaState", deadline = COALESCE($3::timestamptz, deadline),
       trade_id = COALESCE($4::uuid, trade_id), reply = COALESCE($5::jsonb, reply),
       failure_code = COALESCE($6, failure_code), failure_reason = COALESCE($7, failure_reason), updated_at = $8::timestamptz
     WHERE id = $1::uuid`,
    id, change.state, change.deadline ?? null, change.tradeId ?? null, change.reply ? JSON.stringify(change.reply) : null,
    change.failureCode ?? null, change.failureReason ?? null, now,
  );
}

/** The reply of a finished saga, or null while it runs; locks the saga so it cannot finish unseen meanwhile. */
export async function lockSagaReply(tx: SqlClient, id: string): Promise<Reply | null> {
  const [row] = await tx.$queryRawUnsafe<{ reply: Reply | null }[]>(`SELECT reply FROM trade.saga WHERE id = $1::uuid FOR UPDATE`, id);
  return row?.reply ?? null;
}

/** Adds a waiter, once per reply address: the same message delivered twice waits once. */
export async function addWaiter(tx: SqlClient, sagaId: string, waiter: Waiter): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.saga_waiter (saga_id, client_id, reply_to, correlation_id)
     SELECT $1::uuid, $2::jsonb, $3, $4
     WHERE NOT EXISTS (SELECT 1 FROM trade.saga_waiter WHERE saga_id = $1::uuid AND reply_to = $3 AND correlation_id = $4)`,
    sagaId, JSON.stringify(waiter.clientId), waiter.replyTo, waiter.correlationId,
  );
}

/** Removes and returns the waiters of a saga that just finished. */
export async function takeWaiters(tx: SqlClient, sagaId: string): Promise<Waiter[]> {
  const rows = await tx.$queryRawUnsafe<{ client_id: RequestId; reply_to: string; correlation_id: string }[]>(
    `DELETE FROM trade.saga_waiter WHERE saga_id = $1::uuid RETURNING client_id, reply_to, correlation_id`,
    sagaId,
  );
  return rows.map((r) => ({ clientId: r.client_id, replyTo: r.reply_to, correlationId: r.correlation_id }));
}

function toSaga(row: SagaRow): Saga {
  return {
    id: row.id,
    requestId: row.request_id,
    side: row.side,
    userId: row.user_id,
    symbol: row.symbol,
    quantity: canonical(row.quantity),
    price: canonical(row.price),
    notional: canonical(row.notional),
    marketOrder: row.market_order,
    state: row.state,
    tradeId: row.trade_id,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at),
  };
}

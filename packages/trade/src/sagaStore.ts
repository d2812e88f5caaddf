import { canonicalDecimal, type Reply, type RequestId } from '@trading/contracts';
import { assertDistinct, byPosition, batchedQuery, batchedWrite, columns, batchedStatements, deferredWrite, type SqlClient } from '@trading/db';
import { type Execution, openStates, type Saga, type SagaState } from './domain.ts';

/*
 * trade.saga and trade.saga_waiter. Every function runs in the caller's transaction.
 */

export const SAGA_COLUMNS = `id, request_id, side, user_id, symbol, quantity::text, limit_price::text, price_bound::text, reserved::text,
  price::text, notional::text, fee::text, tick_seq::text, market_order, state, trade_id, failure_code, failure_reason, created_at, reserved_at`;
const COLUMNS = SAGA_COLUMNS;

export type SagaRow = {
  id: string;
  request_id: RequestId;
  side: Saga['side'];
  user_id: string;
  symbol: string;
  quantity: string;
  limit_price: string | null;
  price_bound: string;
  reserved: string | null;
  price: string | null;
  notional: string | null;
  fee: string;
  tick_seq: string | null;
  market_order: boolean;
  state: SagaState;
  trade_id: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  created_at: Date;
  reserved_at: Date | null;
};

/** Where a saga's reply goes: the request that started it, or a re-send of it (same user and id). */
export type Waiter = { clientId: RequestId; replyTo: string; correlationId: string };

type NewSaga = { saga: Saga; request: { key: string; hash: string }; deadline: Date; waiter?: Waiter };
type Change = { id: string; now: Date; change: SagaChange };
type NewWaiter = { sagaId: string; waiter: Waiter };

/*
 * The statements the sagas of a batch share (batched statements): one per round instead of one per saga. A saga appears
 * at most once in a statement; two changes of one saga fail the batch, which then runs message by message.
 */
const statements = batchedStatements((tx) => ({
  lock: batchedQuery((ids: readonly string[]) => lockSagas(tx, ids)),
  update: batchedWrite((changes: readonly Change[]) => updateSagas(tx, changes)),
  addWaiter: batchedWrite((waiters: readonly NewWaiter[]) => addWaiters(tx, waiters)),
  takeWaiters: batchedQuery((ids: readonly string[]) => takeWaitersOf(tx, ids)),
  byRequest: batchedQuery((keys: readonly string[]) => sagasByRequest(tx, keys)),
}));

/*
 * A new saga and the waiter of the request that started it are written with the batch's deferred writes (one INSERT
 * each for the whole batch, before the commit): nothing else in its transaction reads a saga that has just begun, since
 * its events come after the commit and a re-send of its request never shares its batch. So a lane of one user's orders
 * pays no round trip for them.
 */
const insertLater = deferredWrite(async (tx, sagas: readonly NewSaga[]) => {
  await insertSagas(tx, sagas);
  const waiters = sagas.flatMap(({ saga, waiter }) => (waiter ? [{ sagaId: saga.id, waiter }] : []));
  if (waiters.length > 0) await addWaiters(tx, waiters);
});

/** A new saga, with the request waiting for its reply (if it waits), written before the transaction commits. */
export async function insertSaga(tx: SqlClient, saga: Saga, request: { key: string; hash: string }, deadline: Date, waiter?: Waiter): Promise<void> {
  await insertLater(tx, { saga, request, deadline, ...(waiter ? { waiter } : {}) });
}

/**
 * The saga an order's idempotency key started, if any, with the order's fingerprint. The inbox forgets a key after
 * its retention window; the saga keeps it (request_key is unique), so a late re-send still finds its saga.
 */
export async function sagaOfRequest(tx: SqlClient, key: string): Promise<{ id: string; requestHash: string } | undefined> {
  return statements(tx).byRequest(key);
}

/** Reads a saga and locks it until the transaction ends: its events and the timeout sweeper take turns. */
export async function lockSaga(tx: SqlClient, id: string): Promise<Saga | undefined> {
  return statements(tx).lock(id);
}

export type SagaChange = {
  state: SagaState;
  deadline?: Date;
  tradeId?: string;
  /** A BUY's execution, recorded with its trade. */
  execution?: Execution;
  reply?: Reply;
  failureCode?: string;
  failureReason?: string;
  /** When the order's funds were reserved (a BUY's FundsReserved). */
  reservedAt?: Date;
};

export async function updateSaga(tx: SqlClient, id: string, now: Date, change: SagaChange): Promise<void> {
  await statements(tx).update({ id, now, change });
}

/** Adds a waiter, once per reply address: the same message delivered twice waits once. */
export async function addWaiter(tx: SqlClient, sagaId: string, waiter: Waiter): Promise<void> {
  await statements(tx).addWaiter({ sagaId, waiter });
}

/** Removes and returns the waiters of a saga that just finished. */
export async function takeWaiters(tx: SqlClient, sagaId: string): Promise<Waiter[]> {
  return statements(tx).takeWaiters(sagaId);
}

/** Open sagas past their deadline, locked; those another instance is handling are skipped. */
export async function lockOverdueSagas(tx: SqlClient, now: Date, limit: number): Promise<Saga[]> {
  const rows = await tx.$queryRawUnsafe<SagaRow[]>(
    `SELECT ${COLUMNS} FROM trade.saga WHERE state = ANY($1::trade."SagaState"[]) AND deadline < $2::timestamptz
     ORDER BY deadline LIMIT $3 FOR UPDATE SKIP LOCKED`,
    openStates,
    now,
    limit,
  );
  return rows.map(toSaga);
}

/** The reply of a finished saga, or null while it runs; locks the saga so it cannot finish unseen meanwhile. */
export async function lockSagaReply(tx: SqlClient, id: string): Promise<Reply | null> {
  const [row] = await tx.$queryRawUnsafe<{ reply: Reply | null }[]>(`SELECT reply FROM trade.saga WHERE id = $1::uuid FOR UPDATE`, id);
  return row?.reply ?? null;
}

async function insertSagas(tx: SqlClient, sagas: readonly NewSaga[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.saga (id, request_key, request_hash, request_id, side, user_id, symbol, quantity, limit_price, price_bound,
       reserved, price, notional, fee, tick_seq, market_order, state, trade_id, deadline, created_at, updated_at, reserved_at)
     SELECT id, request_key, request_hash, request_id, side::trade."Side", user_id, symbol, quantity, limit_price, price_bound,
       reserved, price, notional, fee, tick_seq, market_order, state::trade."SagaState", trade_id, deadline, created_at, created_at, reserved_at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::uuid[], $7::text[], $8::numeric[], $9::numeric[],
       $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::bigint[], $16::boolean[], $17::text[],
       $18::uuid[], $19::timestamptz[], $20::timestamptz[], $21::timestamptz[])
       AS s(id, request_key, request_hash, request_id, side, user_id, symbol, quantity, limit_price, price_bound, reserved, price,
         notional, fee, tick_seq, market_order, state, trade_id, deadline, created_at, reserved_at)`,
    ...columns(sagas, [
      ({ saga }) => saga.id,
      ({ request }) => request.key,
      ({ request }) => request.hash,
      ({ saga }) => JSON.stringify(saga.requestId),
      ({ saga }) => saga.side,
      ({ saga }) => saga.userId,
      ({ saga }) => saga.symbol,
      ({ saga }) => saga.quantity,
      ({ saga }) => saga.limitPrice,
      ({ saga }) => saga.priceBound,
      ({ saga }) => saga.reserved,
      ({ saga }) => saga.execution?.price ?? null,
      ({ saga }) => saga.execution?.notional ?? null,
      ({ saga }) => saga.execution?.fee ?? '0',
      ({ saga }) => saga.execution?.tickSeq ?? null,
      ({ saga }) => saga.marketOrder,
      ({ saga }) => saga.state,
      ({ saga }) => saga.tradeId,
      ({ deadline }) => deadline,
      ({ saga }) => saga.createdAt,
      ({ saga }) => saga.reservedAt ?? null,
    ]),
  );
}

/** Locks in id order, as every instance does: two batches of the same sagas never wait on each other in a circle. */
async function lockSagas(tx: SqlClient, ids: readonly string[]): Promise<(Saga | undefined)[]> {
  const rows = await tx.$queryRawUnsafe<(SagaRow & { n: string })[]>(
    `SELECT ${COLUMNS}, wanted.n FROM trade.saga JOIN unnest($1::uuid[]) WITH ORDINALITY AS wanted(id, n) USING (id)
     ORDER BY id FOR UPDATE OF saga`,
    ids,
  );
  return byPosition(rows, ids.length).map((row) => row && toSaga(row));
}

async function updateSagas(tx: SqlClient, changes: readonly Change[]): Promise<void> {
  assertDistinct(changes, (c) => c.id, 'saga');
  await tx.$executeRawUnsafe(
    `UPDATE trade.saga AS saga SET state = c.state::trade."SagaState", deadline = COALESCE(c.deadline, saga.deadline),
       trade_id = COALESCE(c.trade_id, saga.trade_id), reply = COALESCE(c.reply, saga.reply),
       price = COALESCE(c.price, saga.price), notional = COALESCE(c.notional, saga.notional), fee = COALESCE(c.fee, saga.fee),
       tick_seq = COALESCE(c.tick_seq, saga.tick_seq), reserved_at = COALESCE(c.reserved_at, saga.reserved_at),
       failure_code = COALESCE(c.failure_code, saga.failure_code), failure_reason = COALESCE(c.failure_reason, saga.failure_reason),
       updated_at = c.updated_at
     FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::uuid[], $5::jsonb[], $6::text[], $7::text[], $8::timestamptz[],
       $9::numeric[], $10::numeric[], $11::numeric[], $12::bigint[], $13::timestamptz[])
       AS c(id, state, deadline, trade_id, reply, failure_code, failure_reason, updated_at, price, notional, fee, tick_seq, reserved_at)
     WHERE saga.id = c.id`,
    ...columns(changes, [
      (c) => c.id,
      (c) => c.change.state,
      (c) => c.change.deadline ?? null,
      (c) => c.change.tradeId ?? null,
      (c) => (c.change.reply ? JSON.stringify(c.change.reply) : null),
      (c) => c.change.failureCode ?? null,
      (c) => c.change.failureReason ?? null,
      (c) => c.now,
      (c) => c.change.execution?.price ?? null,
      (c) => c.change.execution?.notional ?? null,
      (c) => c.change.execution?.fee ?? null,
      (c) => c.change.execution?.tickSeq ?? null,
      (c) => c.change.reservedAt ?? null,
    ]),
  );
}

async function addWaiters(tx: SqlClient, waiters: readonly NewWaiter[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO trade.saga_waiter (saga_id, client_id, reply_to, correlation_id)
     SELECT DISTINCT ON (w.saga_id, w.reply_to, w.correlation_id) w.saga_id, w.client_id, w.reply_to, w.correlation_id
     FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::text[]) AS w(saga_id, client_id, reply_to, correlation_id)
     WHERE NOT EXISTS (SELECT 1 FROM trade.saga_waiter AS x
                       WHERE x.saga_id = w.saga_id AND x.reply_to = w.reply_to AND x.correlation_id = w.correlation_id)`,
    ...columns(waiters, [(w) => w.sagaId, (w) => JSON.stringify(w.waiter.clientId), (w) => w.waiter.replyTo, (w) => w.waiter.correlationId]),
  );
}

async function sagasByRequest(tx: SqlClient, keys: readonly string[]): Promise<({ id: string; requestHash: string } | undefined)[]> {
  const rows = await tx.$queryRawUnsafe<{ n: string; id: string; request_hash: string }[]>(
    `SELECT wanted.n, saga.id, saga.request_hash FROM unnest($1::text[]) WITH ORDINALITY AS wanted(key, n)
     JOIN trade.saga ON saga.request_key = wanted.key`,
    keys,
  );
  return byPosition(rows, keys.length).map((row) => row && { id: row.id, requestHash: row.request_hash });
}

async function takeWaitersOf(tx: SqlClient, sagaIds: readonly string[]): Promise<Waiter[][]> {
  const rows = await tx.$queryRawUnsafe<{ n: string; client_id: RequestId; reply_to: string; correlation_id: string }[]>(
    `DELETE FROM trade.saga_waiter AS waiter USING unnest($1::uuid[]) WITH ORDINALITY AS finished(saga_id, n)
     WHERE waiter.saga_id = finished.saga_id RETURNING finished.n, waiter.client_id, waiter.reply_to, waiter.correlation_id`,
    sagaIds,
  );
  const waiters = sagaIds.map((): Waiter[] => []);
  for (const r of rows) waiters[Number(r.n) - 1]!.push({ clientId: r.client_id, replyTo: r.reply_to, correlationId: r.correlation_id });
  return waiters;
}

export function toSaga(row: SagaRow): Saga {
  const decimal = (value: string | null) => (value === null ? null : canonicalDecimal(value));
  const executed = row.price !== null && row.notional !== null;
  return {
    id: row.id,
    requestId: row.request_id,
    side: row.side,
    userId: row.user_id,
    symbol: row.symbol,
    quantity: canonicalDecimal(row.quantity),
    limitPrice: decimal(row.limit_price),
    priceBound: canonicalDecimal(row.price_bound),
    reserved: decimal(row.reserved),
    execution: executed
      ? { price: canonicalDecimal(row.price!), notional: canonicalDecimal(row.notional!), fee: canonicalDecimal(row.fee), tickSeq: Number(row.tick_seq ?? 0) }
      : null,
    marketOrder: row.market_order,
    state: row.state,
    tradeId: row.trade_id,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at),
    reservedAt: row.reserved_at === null ? null : new Date(row.reserved_at),
  };
}

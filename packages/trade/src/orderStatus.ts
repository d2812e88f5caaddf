import { errorReply, okReply, type OrderStatusRequest, type Principal, type Reply, requestKey } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { orderState, orderSteps } from './orderState.ts';
import { SAGA_COLUMNS, type SagaRow, toSaga } from './sagaStore.ts';

/**
 * ORDER_STATUS: where one of the user's orders stands, by its order_id or by the request id that placed it (scoped as
 * that request was, so the key is the order's idempotency key). Only the user's own orders are found: another user's
 * order is ORDER_NOT_FOUND, exactly as one that does not exist.
 */
export async function orderStatusReply(db: SqlClient, principal: Principal, request: OrderStatusRequest): Promise<Reply> {
  const [row] =
    request.order_id !== undefined
      ? await db.$queryRawUnsafe<(SagaRow & { updated_at: Date })[]>(
          `SELECT ${SAGA_COLUMNS}, updated_at FROM trade.saga WHERE id = $1::uuid AND user_id = $2::uuid`,
          request.order_id,
          request.user_id,
        )
      : await db.$queryRawUnsafe<(SagaRow & { updated_at: Date })[]>(
          `SELECT ${SAGA_COLUMNS}, updated_at FROM trade.saga WHERE request_key = $1 AND user_id = $2::uuid`,
          requestKey(principal, { type: 'BUY', id: request.request_id ?? '', user_id: request.user_id } as Parameters<typeof requestKey>[1]),
          request.user_id,
        );
  if (!row) return errorReply(request.id, request.type, 'ORDER_NOT_FOUND');
  const saga = toSaga(row);
  const state = orderState(saga);
  const executed = saga.execution;
  return okReply(request.id, request.type, `order ${saga.id} is ${state}`, {
    user_id: saga.userId,
    order_id: saga.id,
    request_id: saga.requestId,
    side: saga.side,
    symbol: saga.symbol,
    amount: saga.quantity,
    limit_price: saga.limitPrice,
    state,
    price: executed?.price ?? null,
    notional: executed?.notional ?? null,
    fee: executed?.fee ?? null,
    trade_id: state === 'FILLED' ? saga.tradeId : null,
    ...(saga.failureCode ? { code: saga.failureCode } : {}),
    steps: orderSteps(saga, new Date(row.updated_at)),
  });
}

import { canonicalDecimal, Decimal, MONEY_SCALE, okReply, type PortfolioRequest, type Reply, type RequestId } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import { openStates, type Holding, type Saga, type SagaState } from './domain.ts';
import { orderState } from './orderState.ts';

type OpenOrderRow = {
  order_id: string;
  request_id: RequestId;
  side: Saga['side'];
  symbol: string;
  quantity: string;
  limit_price: string | null;
  state: SagaState;
};
type SnapshotRow = { seq: string | null; holdings: { symbol: string; quantity: string; reserved: string; cost_basis: string }[]; open_orders: OpenOrderRow[] };

/**
 * PORTFOLIO: the user's holdings with their average cost, the orders still open, and `account_seq`, the last number
 * of Trade's changes on the `account` stream that they include (0 before any). Read in one statement, so one snapshot
 * of the database: an `account` subscription starts from it. A user without holdings (or unknown to Trade) has none.
 */
export async function portfolioReply(db: SqlClient, request: PortfolioRequest): Promise<Reply> {
  const [row] = await db.$queryRawUnsafe<SnapshotRow[]>(
    `SELECT
       (SELECT seq::text FROM trade.account_stream WHERE user_id = $1::uuid) AS seq,
       (SELECT coalesce(json_agg(json_build_object('symbol', symbol, 'quantity', quantity::text, 'reserved', reserved::text,
          'cost_basis', cost_basis::text) ORDER BY symbol), '[]'::json)
        FROM trade.holding WHERE user_id = $1::uuid) AS holdings,
       (SELECT coalesce(json_agg(json_build_object('order_id', id, 'request_id', request_id, 'side', side, 'symbol', symbol,
          'quantity', quantity::text, 'limit_price', limit_price::text, 'state', state) ORDER BY created_at, id), '[]'::json)
        FROM trade.saga WHERE user_id = $1::uuid AND state IN (${openStates.map((s) => `'${s}'`).join(', ')})) AS open_orders`,
    request.user_id,
  );
  const holdings: Holding[] = (row?.holdings ?? []).map((h) => ({
    symbol: h.symbol,
    quantity: canonicalDecimal(h.quantity),
    reserved: canonicalDecimal(h.reserved),
    costBasis: canonicalDecimal(h.cost_basis),
  }));
  return okReply(request.id, request.type, `${holdings.length} holding(s)`, {
    user_id: request.user_id,
    holdings: holdings.map(describeHolding),
    open_orders: (row?.open_orders ?? []).map(describeOpenOrder),
    account_seq: Number(row?.seq ?? 0),
  });
}

/** An order still open, as the `account` stream's ORDER change names it. */
function describeOpenOrder(order: OpenOrderRow) {
  return {
    request_id: order.request_id,
    order_id: order.order_id,
    side: order.side,
    symbol: order.symbol,
    amount: canonicalDecimal(order.quantity),
    limit_price: order.limit_price === null ? null : canonicalDecimal(order.limit_price),
    state: orderState({ side: order.side, state: order.state }),
  };
}

/**
 * One holding on the wire. `quantity` is what can be sold now, `reserved` what SELLs in flight hold;
 * `average_cost` is the cost basis per unit owned (quantity + reserved), rounded half-even to the money scale.
 */
export function describeHolding(holding: Holding) {
  const owned = new Decimal(holding.quantity).plus(holding.reserved);
  const average = owned.isZero() ? new Decimal(0) : new Decimal(holding.costBasis).div(owned);
  return {
    symbol: holding.symbol,
    quantity: holding.quantity,
    reserved: holding.reserved,
    cost_basis: holding.costBasis,
    average_cost: average.toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN).toFixed(),
  };
}

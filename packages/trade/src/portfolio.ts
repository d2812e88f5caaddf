import { Decimal, MONEY_SCALE, okReply, type PortfolioRequest, type Reply } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import type { Holding } from './domain.ts';
import { listHoldings } from './holdingStore.ts';

/** PORTFOLIO: the user's holdings with their average cost. A user without holdings (or unknown to Trade) has none. */
export async function portfolioReply(db: SqlClient, request: PortfolioRequest): Promise<Reply> {
  const holdings = await listHoldings(db, request.user_id);
  return okReply(request.id, request.type, `${holdings.length} holding(s)`, {
    user_id: request.user_id,
    holdings: holdings.map(describeHolding),
  });
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

export type Side = 'BUY' | 'SELL';
/** A market order: no `price`, so it trades at the market's last price, within Trade's collar, however prices move. */
export type Order = { type: Side; user_id: string; symbol: string; amount: string };

/** What the sagas trade: every user was funded and holds a seed of every symbol before the run (prepareUsers). */
export type OrderPlan = { users: readonly string[]; symbols: readonly string[]; mix: 'both' | 'buy'; quantity: string };

/**
 * The k-th order of a run. Users take turns; with mix `both` each user alternates BUY and SELL of the same
 * symbol and quantity, so holdings stay level however long the run (cash only drifts with the price and the
 * fee), and no two in-flight sagas of one user depend on each other.
 */
export function nthOrder(plan: OrderPlan, k: number): Order {
  const round = Math.floor(k / plan.users.length);
  const side: Side = plan.mix === 'buy' || round % 2 === 0 ? 'BUY' : 'SELL';
  const symbolTurn = plan.mix === 'buy' ? round : Math.floor(round / 2);
  return {
    type: side,
    user_id: plan.users[k % plan.users.length] ?? '',
    symbol: plan.symbols[symbolTurn % plan.symbols.length] ?? '',
    amount: plan.quantity,
  };
}

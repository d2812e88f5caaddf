import { Decimal, type DomainEvent, MONEY_SCALE } from '@trading/contracts';

/*
 * The figures a scripted list of events should produce, computed here plainly and independently of the
 * service's projection code, to compare against what it reports.
 */
type Completed = Extract<DomainEvent, { type: 'SagaCompleted' }>;
type Failed = Extract<DomainEvent, { type: 'SagaFailed' }>;

const total = (values: string[]): string => values.reduce((sum, v) => sum.add(v), new Decimal(0)).toFixed();
const completedOf = (events: DomainEvent[]) => events.filter((e): e is Completed => e.type === 'SagaCompleted');

export function expectedSymbol(events: DomainEvent[], symbol: string) {
  const trades = completedOf(events).filter((e) => e.symbol === symbol);
  const bought = total(trades.filter((t) => t.side === 'BUY').map((t) => t.quantity));
  const sold = total(trades.filter((t) => t.side === 'SELL').map((t) => t.quantity));
  const notional = total(trades.map((t) => t.notional));
  const vwap = new Decimal(notional).div(new Decimal(bought).add(sold)).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN).toFixed();
  return { symbol, trades: trades.length, quantity_bought: bought, quantity_sold: sold, notional, vwap };
}

export function expectedUser(events: DomainEvent[], userId: string) {
  const own = events.filter((e) => e.user_id === userId);
  const amounts = (type: 'FundsDeposited' | 'FundsWithdrawn') => own.flatMap((e) => (e.type === type ? [e.amount] : []));
  const trades = completedOf(own);
  const holdings: Record<string, string> = {};
  for (const t of trades) holdings[t.symbol] = new Decimal(holdings[t.symbol] ?? 0)[t.side === 'BUY' ? 'add' : 'sub'](t.quantity).toFixed();
  const cashIn = [...amounts('FundsDeposited'), ...trades.filter((t) => t.side === 'SELL').map((t) => t.notional)];
  const cashOut = [...amounts('FundsWithdrawn'), ...trades.filter((t) => t.side === 'BUY').map((t) => t.notional), ...trades.map((t) => t.fee ?? '0')];
  return {
    user_id: userId,
    trades: trades.length,
    deposits: { count: amounts('FundsDeposited').length, amount: total(amounts('FundsDeposited')) },
    withdrawals: { count: amounts('FundsWithdrawn').length, amount: total(amounts('FundsWithdrawn')) },
    net_cash_flow: new Decimal(total(cashIn)).sub(total(cashOut)).toFixed(),
    holdings,
  };
}

export function expectedOutcomes(events: DomainEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const key = e.type === 'SagaCompleted' ? 'COMPLETED ' : e.type === 'SagaFailed' ? `${(e as Failed).outcome} ${(e as Failed).code}` : undefined;
    if (key) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function expectedTypeCounts(events: DomainEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks, rounded to whole ms. */
export function percentileCont(values: number[], fraction: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const rank = fraction * (sorted.length - 1);
  const low = sorted[Math.floor(rank)] ?? 0;
  const high = sorted[Math.ceil(rank)] ?? 0;
  return Math.round(low + (high - low) * (rank - Math.floor(rank)));
}

export function durationsOf(events: DomainEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'SagaCompleted' || e.type === 'SagaFailed' ? [e.duration_ms] : []));
}

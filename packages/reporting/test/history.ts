import { randomUUID } from 'node:crypto';
import { Decimal, type DomainEvent, notional, tradeFee } from '@trading/contracts';

const MARKET: Record<string, number> = { BTC: 61000, ETH: 3000, AAPL: 190, MSFT: 410, TSLA: 250, NVDA: 120 };
const FAILURES = [
  ['REJECTED', 'INSUFFICIENT_FUNDS'],
  ['REJECTED', 'INSUFFICIENT_HOLDINGS'],
  ['COMPENSATED', 'TRADE_FAILED'],
  ['TIMED_OUT', 'SAGA_TIMEOUT'],
] as const;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** The house's fee, as TRADE_FEE_BPS. */
const FEE_BPS = 10;

/**
 * An hour of varied trading ending now, as Payment and Trade publish it (a few users, deposits, sagas that
 * complete or fail, the house's cash taking each completed trade's other side), so the dashboard's charts have a
 * shape. Random: nothing asserts on these figures.
 */
export function scriptHistory(now: number, users = 6): { users: string[]; events: DomainEvent[] } {
  const ids = Array.from({ length: users }, () => randomUUID());
  const events: DomainEvent[] = [];
  for (const user_id of ids) {
    const at = new Date(now - 60 * 60_000).toISOString();
    events.push({ type: 'UserCreated', user_id, at }, { type: 'FundsDeposited', user_id, amount: '500000', available: '500000', at });
  }
  for (let minute = 59; minute >= 1; minute -= 1) {
    const busy = 1 + Math.round(3 * (1 + Math.sin(minute / 6)) * Math.random());
    for (let i = 0; i < busy; i += 1) {
      const at = new Date(now - minute * 60_000 + i * 1000).toISOString();
      const symbol = pick(Object.keys(MARKET));
      const price = ((MARKET[symbol] ?? 1) * (0.97 + Math.random() * 0.06)).toFixed(2);
      const quantity = symbol === 'BTC' ? '0.5' : symbol === 'ETH' ? '4' : String(5 + Math.floor(Math.random() * 40));
      const side = pick(['BUY', 'BUY', 'SELL'] as const);
      const facts = { user_id: pick(ids), saga_id: randomUUID(), side, symbol, quantity, price, notional: notional(price, quantity), limit_price: price, at };
      const duration_ms = Math.round(25 + Math.random() * 90);
      events.push({ type: 'OrderAccepted', ...facts });
      if (Math.random() < 0.82) {
        const fee = tradeFee(facts.notional, FEE_BPS);
        const executed = { ...facts, fee, tick_seq: (now - minute * 60_000) * 1000 + i };
        const money = { user_id: facts.user_id, saga_id: facts.saga_id, fee, at };
        events.push(
          side === 'BUY'
            ? { type: 'FundsCaptured', ...money, amount: new Decimal(facts.notional).add(fee).toFixed(), notional: facts.notional }
            : { type: 'FundsCredited', ...money, amount: facts.notional },
          { type: 'TradeRecorded', ...executed, trade_id: randomUUID() },
          { type: 'SagaCompleted', ...executed, trade_id: randomUUID(), duration_ms },
        );
      } else {
        const [outcome, code] = pick(FAILURES);
        // A BUY's reservation is given back: cancelled when compensation begins, expired at the saga's deadline.
        if (side === 'BUY' && outcome === 'COMPENSATED') events.push({ type: 'OrderCancelled', ...facts, code, reason: code });
        if (side === 'BUY' && outcome === 'TIMED_OUT') events.push({ type: 'OrderExpired', ...facts, reason: code });
        events.push({ type: 'SagaFailed', ...facts, outcome, code, reason: code, duration_ms: outcome === 'TIMED_OUT' ? 5000 : duration_ms });
      }
    }
  }
  return { users: ids, events };
}

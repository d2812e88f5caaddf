import { randomUUID } from 'node:crypto';
import { HOUSE_USER_ID } from '@trading/contracts';
import type { Queryable } from '../src/index.ts';

/** Seqs of the world's ticks: far above any market's or test's, so they never meet a stored tick. */
const TICK_SEQ = 9_000_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/**
 * A small consistent world written straight into the four schemas, for the checker's own tests: one user deposits
 * 1000, withdraws 50, buys 2 BTC at 50 with a limit of 55 (saga `buy`: reserves 110.11, pays 100 + a fee of 0.1, gets
 * 10.01 back) and sells 1 at 60 with a limit of 58 (saga `sell`: credited 60 - a fee of 0.06), each at a market tick
 * (seqs two apart);
 * the house is the other side of both (cash +40.16, BTC -1); Reporting holds one event per fact. Run inside a
 * transaction that is rolled back: the house's account and position are shared with the rest of the database.
 */
export async function insertWorld(db: Queryable) {
  const user = randomUUID();
  const buy = randomUUID();
  const sell = randomUUID();
  const q = (sql: string, values: unknown[]) => db.query(sql, values);
  await q(`INSERT INTO payment.account (user_id, available, reserved) VALUES ($1, 909.84, 0)`, [user]);
  await q(`UPDATE payment.account SET available = available + 40.16 WHERE user_id = $1`, [HOUSE_USER_ID]);
  await q(
    `INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES
       ($1, 'DEPOSIT', 1000, 0, NULL), ($1, 'WITHDRAWAL', -50, 0, NULL),
       ($1, 'RESERVE', -110.11, 110.11, $2), ($1, 'CAPTURE', 10.01, -110.11, $2), ($4, 'TRADE', 100, 0, $2), ($4, 'FEE', 0.1, 0, $2),
       ($1, 'CREDIT', 59.94, 0, $3), ($4, 'TRADE', -60, 0, $3), ($4, 'FEE', 0.06, 0, $3)`,
    [user, buy, sell, HOUSE_USER_ID],
  );
  await q(`INSERT INTO payment.reservation (saga_id, user_id, amount, status, updated_at) VALUES ($2, $1, 110.11, 'CAPTURED', now())`, [user, buy]);
  await q(`INSERT INTO payment.held_asset (user_id, symbol, quantity) VALUES ($1, 'BTC', 1)`, [user]);
  await q(`INSERT INTO market.tick (symbol, seq, price, at) VALUES ('BTC', $1, 50, now()), ('BTC', $2, 60, now())`, [TICK_SEQ, TICK_SEQ + 2]);
  for (const [saga, side, quantity, price, bound, notional, fee, tick] of [
    [buy, 'BUY', 2, 50, 55, 100, 0.1, TICK_SEQ],
    [sell, 'SELL', 1, 60, 58, 60, 0.06, TICK_SEQ + 2],
  ] as const) {
    await insertSaga(db, { saga, user, side, quantity, price, priceBound: bound, notional, fee, state: 'COMPLETED' });
    await q(
      `INSERT INTO trade.trade (id, saga_id, user_id, side, symbol, quantity, price, notional, fee, tick_seq) VALUES ($1, $2, $3, $4, 'BTC', $5, $6, $7, $8, $9)`,
      [randomUUID(), saga, user, side, quantity, price, notional, fee, tick],
    );
  }
  await q(`INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis) VALUES ($1, 'BTC', 1, 0, 50)`, [user]);
  await q(
    `INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis) VALUES ($1, 'BTC', -1, 0, 0)
     ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = holding.quantity - 1`,
    [HOUSE_USER_ID],
  );
  const events: [string, string | null][] = [
    ['UserCreated', null],
    ['FundsDeposited', null],
    ['FundsWithdrawn', null],
    ['OrderAccepted', buy],
    ['FundsReserved', buy],
    ['TradeRecorded', buy],
    ['FundsCaptured', buy],
    ['SagaCompleted', buy],
    ['OrderAccepted', sell],
    ['TradeRecorded', sell],
    ['FundsCredited', sell],
    ['SagaCompleted', sell],
  ];
  for (const [type, saga] of events) await insertEvent(db, type, user, saga);
  return { user, buy, sell };
}

/** A saga; `priceBound` defaults to its price, `fee` to 0. */
export async function insertSaga(
  db: Queryable,
  s: { saga: string; user: string; side: 'BUY' | 'SELL'; quantity: number; price: number; priceBound?: number; notional: number; fee?: number; state: string },
): Promise<void> {
  await db.query(
    `INSERT INTO trade.saga (id, request_key, request_hash, request_id, side, user_id, symbol, quantity, price, price_bound, notional, fee,
                             market_order, state, deadline, updated_at)
     VALUES ($1::uuid, $1::text, 'h', '"r"', $2, $3, 'BTC', $4, $5, $6, $7, $8, false, $9, now(), now())`,
    [s.saga, s.side, s.user, s.quantity, s.price, s.priceBound ?? s.price, s.notional, s.fee ?? 0, s.state],
  );
}

export async function insertEvent(db: Queryable, type: string, user: string, saga: string | null, outcome?: string): Promise<void> {
  await db.query(
    `INSERT INTO reporting.event (id, type, source, user_id, saga_id, outcome, payload, occurred_at)
     VALUES ($1, $2, 'test', $3, $4, $5, '{}', now())`,
    [randomUUID(), type, user, saga, outcome ?? (type === 'SagaCompleted' ? 'COMPLETED' : null)],
  );
}

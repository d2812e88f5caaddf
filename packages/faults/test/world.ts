import { randomUUID } from 'node:crypto';
import type { Queryable } from '../src/index.ts';

/**
 * A small consistent world written straight into the three schemas, for the checker's own tests: one user
 * deposits 1000, withdraws 50, buys 2 BTC at 50 (saga `buy`) and sells 1 at 60 (saga `sell`); Reporting holds
 * one event per fact. Run inside a transaction that is rolled back.
 */
export async function insertWorld(db: Queryable) {
  const user = randomUUID();
  const buy = randomUUID();
  const sell = randomUUID();
  const q = (sql: string, values: unknown[]) => db.query(sql, values);
  await q(`INSERT INTO payment.account (user_id, available, reserved) VALUES ($1, 910, 0)`, [user]);
  await q(
    `INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id) VALUES
       ($1, 'DEPOSIT', 1000, 0, NULL), ($1, 'WITHDRAWAL', -50, 0, NULL),
       ($1, 'RESERVE', -100, 100, $2), ($1, 'CAPTURE', 0, -100, $2), ($1, 'CREDIT', 60, 0, $3)`,
    [user, buy, sell],
  );
  await q(`INSERT INTO payment.reservation (saga_id, user_id, amount, status, updated_at) VALUES ($2, $1, 100, 'CAPTURED', now())`, [user, buy]);
  await q(`INSERT INTO payment.held_asset (user_id, symbol, quantity) VALUES ($1, 'BTC', 1)`, [user]);
  for (const [saga, side, quantity, price, notional] of [
    [buy, 'BUY', 2, 50, 100],
    [sell, 'SELL', 1, 60, 60],
  ] as const) {
    await insertSaga(db, { saga, user, side, quantity, price, notional, state: 'COMPLETED' });
    await q(
      `INSERT INTO trade.trade (id, saga_id, user_id, side, symbol, quantity, price, notional) VALUES ($1, $2, $3, $4, 'BTC', $5, $6, $7)`,
      [randomUUID(), saga, user, side, quantity, price, notional],
    );
  }
  await q(`INSERT INTO trade.holding (user_id, symbol, quantity, reserved, cost_basis) VALUES ($1, 'BTC', 1, 0, 50)`, [user]);
  const events: [string, string | null][] = [
    ['UserCreated', null], ['FundsDeposited', null], ['FundsWithdrawn', null],
    ['SagaStarted', buy], ['FundsReserved', buy], ['TradeRecorded', buy], ['FundsCaptured', buy], ['SagaCompleted', buy],
    ['SagaStarted', sell], ['TradeRecorded', sell], ['FundsCredited', sell], ['SagaCompleted', sell],
  ];
  for (const [type, saga] of events) await insertEvent(db, type, user, saga);
  return { user, buy, sell };
}

export async function insertSaga(
  db: Queryable,
  s: { saga: string; user: string; side: 'BUY' | 'SELL'; quantity: number; price: number; notional: number; state: string },
): Promise<void> {
  await db.query(
    `INSERT INTO trade.saga (id, request_key, request_hash, request_id, side, user_id, symbol, quantity, price, notional,
                             market_order, state, deadline, updated_at)
     VALUES ($1::uuid, $1::text, 'h', '"r"', $2, $3, 'BTC', $4, $5, $6, false, $7, now(), now())`,
    [s.saga, s.side, s.user, s.quantity, s.price, s.notional, s.state],
  );
}

export async function insertEvent(db: Queryable, type: string, user: string, saga: string | null, outcome?: string): Promise<void> {
  await db.query(
    `INSERT INTO reporting.event (id, type, source, user_id, saga_id, outcome, payload, occurred_at)
     VALUES ($1, $2, 'test', $3, $4, $5, '{}', now())`,
    [randomUUID(), type, user, saga, outcome ?? (type === 'SagaCompleted' ? 'COMPLETED' : null)],
  );
}

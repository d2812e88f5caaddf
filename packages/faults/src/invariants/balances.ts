import { HOUSE, imported, inScope, type SqlCheck } from './types.ts';

/** Money: the account is its ledger, the ledger is the users' flows, and nothing of a user's is below zero. */
export const balanceChecks: SqlCheck[] = [
  {
    name: 'account-equals-ledger',
    rule: "payment.account available and reserved equal the sums of available_delta and reserved_delta of the user's ledger rows",
    queries: [
      {
        on: 'payment',
        sql: `
      WITH acc AS (SELECT user_id, available, reserved FROM payment.account WHERE ${inScope('user_id')}),
           led AS (SELECT user_id, sum(available_delta) AS available, sum(reserved_delta) AS reserved
                   FROM payment.ledger WHERE ${inScope('user_id')} GROUP BY user_id)
      SELECT coalesce(acc.user_id, led.user_id) AS user_id, acc.available, acc.reserved,
             coalesce(led.available, 0) AS ledger_available, coalesce(led.reserved, 0) AS ledger_reserved
      FROM acc FULL JOIN led ON led.user_id = acc.user_id
      WHERE acc.user_id IS NULL OR acc.available <> coalesce(led.available, 0) OR acc.reserved <> coalesce(led.reserved, 0)`,
      },
    ],
  },
  {
    name: 'cash-equals-flows',
    rule:
      'per user (not the house), available + reserved = deposits - withdrawals - what BUYs paid (notional + fee) + what SELLs ' +
      'were credited (notional - fee): ledger DEPOSIT/WITHDRAWAL, trade.trade',
    queries: [
      {
        on: 'payment',
        imports: [
          {
            from: 'trade',
            sql: `
      SELECT user_id, coalesce(sum(notional + fee) FILTER (WHERE side = 'BUY'), 0) AS paid,
             coalesce(sum(notional - fee) FILTER (WHERE side = 'SELL'), 0) AS credited
      FROM trade.trade WHERE ${inScope('user_id')} GROUP BY user_id`,
          },
        ],
        sql: `
      WITH trades AS ${imported(2, 'user_id uuid, paid numeric, credited numeric')},
           users AS (SELECT user_id FROM payment.account WHERE ${inScope('user_id')} UNION SELECT user_id FROM trades),
           flows AS (SELECT user_id,
                            coalesce(sum(available_delta) FILTER (WHERE kind = 'DEPOSIT'), 0) AS deposited,
                            coalesce(-sum(available_delta) FILTER (WHERE kind = 'WITHDRAWAL'), 0) AS withdrawn
                     FROM payment.ledger WHERE ${inScope('user_id')} GROUP BY user_id),
           sides AS (SELECT u.user_id, coalesce(a.available + a.reserved, 0) AS cash,
                            coalesce(f.deposited, 0) AS deposited, coalesce(f.withdrawn, 0) AS withdrawn,
                            coalesce(t.paid, 0) AS paid, coalesce(t.credited, 0) AS credited
                     FROM users u LEFT JOIN payment.account a USING (user_id)
                     LEFT JOIN flows f USING (user_id) LEFT JOIN trades t USING (user_id)
                     WHERE u.user_id <> ${HOUSE})
      SELECT user_id, cash, deposited, withdrawn, paid, credited, deposited - withdrawn - paid + credited AS expected
      FROM sides WHERE cash <> deposited - withdrawn - paid + credited`,
      },
    ],
  },
  {
    name: 'nothing-negative',
    rule: "no reserved amount is below zero, and no user's available cash, holding quantity or held quantity (the house's may be)",
    queries: [
      {
        on: 'payment',
        sql: `
      SELECT 'payment.account' AS "table", user_id, NULL AS symbol, available AS quantity, reserved
        FROM payment.account WHERE ${inScope('user_id')} AND ((available < 0 AND user_id <> ${HOUSE}) OR reserved < 0)
      UNION ALL
      SELECT 'payment.held_asset', user_id, symbol, quantity, NULL
        FROM payment.held_asset WHERE ${inScope('user_id')} AND quantity < 0`,
      },
      {
        on: 'trade',
        sql: `
      SELECT 'trade.holding' AS "table", user_id, symbol, quantity, reserved
        FROM trade.holding WHERE ${inScope('user_id')} AND ((quantity < 0 AND user_id <> ${HOUSE}) OR reserved < 0)`,
      },
    ],
  },
];

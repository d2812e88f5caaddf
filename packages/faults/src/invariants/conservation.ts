import { HOUSE, inScope, type SqlCheck } from './types.ts';

/*
 * Nothing is created or destroyed by trading. The house is every trade's counterparty, so cash only enters by a
 * deposit and leaves by a withdrawal, and every asset bought from the house was sold to it. Both sums are over the
 * whole database, the house included: the house's one account and one position per symbol are everyone's other side,
 * so no subset of users balances on its own. Each step of a saga is one transaction in each service, so both sums
 * hold at every snapshot, not only once the sagas have ended. Arithmetic is NUMERIC, exact to the last decimal. Each sum
 * reads one service's database only (Payment's accounts and ledger, Trade's holdings).
 */
export const conservationChecks: SqlCheck[] = [
  {
    name: 'cash-conserved',
    rule: 'the sum of available + reserved over every payment.account, the house included, = DEPOSIT minus WITHDRAWAL ledger amounts',
    global: true,
    queries: [
      {
        on: 'payment',
        sql: `
      WITH held AS (SELECT coalesce(sum(available + reserved), 0) AS held,
                           coalesce(sum(available + reserved) FILTER (WHERE user_id = ${HOUSE}), 0) AS house
                    FROM payment.account),
           funded AS (SELECT coalesce(sum(available_delta + reserved_delta) FILTER (WHERE kind = 'DEPOSIT'), 0) AS deposited,
                             coalesce(-sum(available_delta + reserved_delta) FILTER (WHERE kind = 'WITHDRAWAL'), 0) AS withdrawn
                      FROM payment.ledger)
      SELECT held, house, deposited, withdrawn, deposited - withdrawn AS expected, held - (deposited - withdrawn) AS difference
      FROM held, funded WHERE held <> deposited - withdrawn`,
      },
    ],
  },
  {
    name: 'saga-ledger-balanced',
    rule:
      "per saga, the ledger rows of every account (the user's and the house's) sum to zero (available_delta + reserved_delta); " +
      'a row without a saga is a DEPOSIT or a WITHDRAWAL, and those have none',
    queries: [
      {
        on: 'payment',
        sql: `
      WITH sagas AS (SELECT DISTINCT saga_id FROM payment.ledger WHERE saga_id IS NOT NULL AND ${inScope('user_id')})
      SELECT 'saga' AS what, saga_id, NULL::uuid AS user_id, NULL AS kind, sum(available_delta + reserved_delta) AS total
        FROM payment.ledger JOIN sagas USING (saga_id)
        GROUP BY saga_id HAVING sum(available_delta + reserved_delta) <> 0
      UNION ALL
      SELECT 'row', saga_id, user_id, kind::text, available_delta + reserved_delta
        FROM payment.ledger
        WHERE ${inScope('user_id')} AND (saga_id IS NULL) <> (kind::text IN ('DEPOSIT', 'WITHDRAWAL'))`,
      },
    ],
  },
  {
    name: 'assets-conserved',
    rule: 'per symbol, the sum of trade.holding quantity + reserved over every user and the house is zero',
    global: true,
    queries: [
      {
        on: 'trade',
        sql: `
      SELECT symbol, sum(quantity + reserved) AS total,
             coalesce(sum(quantity + reserved) FILTER (WHERE user_id = ${HOUSE}), 0) AS house
      FROM trade.holding GROUP BY symbol HAVING sum(quantity + reserved) <> 0`,
      },
    ],
  },
];

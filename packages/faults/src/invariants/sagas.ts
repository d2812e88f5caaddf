import { HOUSE, imported, inScope, type SqlCheck, TERMINAL_SAGA_STATES } from './types.ts';

/** Trades: every saga ends, ends clean, and moves money exactly once. Meant for after the load and a settle time. */
export const sagaChecks: SqlCheck[] = [
  {
    name: 'sagas-terminal',
    rule: `every trade.saga is in a terminal state ${TERMINAL_SAGA_STATES}`,
    queries: [
      {
        on: 'trade',
        sql: `
      SELECT id AS saga_id, user_id, side, state, created_at, deadline
      FROM trade.saga WHERE ${inScope('user_id')} AND state::text NOT IN ${TERMINAL_SAGA_STATES}`,
      },
    ],
  },
  {
    name: 'nothing-held',
    rule: 'with every saga ended, no funds are reserved (account, open reservation) and no holding is reserved',
    queries: [
      {
        on: 'payment',
        sql: `
      SELECT 'payment.account' AS "table", user_id, NULL::uuid AS saga_id, reserved
        FROM payment.account WHERE ${inScope('user_id')} AND reserved <> 0
      UNION ALL
      SELECT 'payment.reservation', user_id, saga_id, amount
        FROM payment.reservation WHERE ${inScope('user_id')} AND status = 'RESERVED'`,
      },
      {
        on: 'trade',
        sql: `
      SELECT 'trade.holding' AS "table", user_id, NULL::uuid AS saga_id, reserved
        FROM trade.holding WHERE ${inScope('user_id')} AND reserved <> 0`,
      },
    ],
  },
  {
    name: 'saga-money-once',
    rule:
      'per saga: at most one RESERVE, RELEASE, CAPTURE and CREDIT row of its user and one TRADE and FEE row of the house; a ' +
      'COMPLETED BUY paid notional + fee once (the rest of its reservation released) and the house took notional and fee; a ' +
      'COMPLETED SELL was credited notional - fee once and the house paid the notional and took the fee; any other ended saga ' +
      'moved no money of either; an ended saga holds nothing; no ledger row names a saga Trade does not have or another user',
    queries: [
      {
        on: 'payment',
        imports: [
          { from: 'trade', sql: `SELECT id, user_id, side::text AS side, state::text AS state, notional, fee FROM trade.saga WHERE ${inScope('user_id')}` },
        ],
        sql: `
      WITH s AS ${imported(2, 'id uuid, user_id uuid, side text, state text, notional numeric, fee numeric')},
           l AS (SELECT saga_id, min(user_id::text)::uuid AS user_id, count(DISTINCT user_id) AS users,
                        count(*) FILTER (WHERE kind = 'RESERVE') AS reserves,
                        count(*) FILTER (WHERE kind = 'RELEASE') AS releases,
                        count(*) FILTER (WHERE kind = 'CAPTURE') AS captures,
                        count(*) FILTER (WHERE kind = 'CREDIT') AS credits,
                        coalesce(-sum(available_delta + reserved_delta) FILTER (WHERE kind = 'CAPTURE'), 0) AS paid,
                        coalesce(sum(available_delta) FILTER (WHERE kind = 'CREDIT'), 0) AS credited,
                        sum(reserved_delta) AS still_reserved
                 FROM payment.ledger WHERE saga_id IS NOT NULL AND user_id <> ${HOUSE} AND ${inScope('user_id')} GROUP BY saga_id),
           h AS (SELECT saga_id, count(*) FILTER (WHERE kind = 'TRADE') AS house_trades, count(*) FILTER (WHERE kind = 'FEE') AS house_fees,
                        coalesce(sum(available_delta) FILTER (WHERE kind = 'TRADE'), 0) AS house_traded,
                        coalesce(sum(available_delta) FILTER (WHERE kind = 'FEE'), 0) AS house_fee
                 FROM payment.ledger
                 WHERE user_id = ${HOUSE} AND saga_id IS NOT NULL AND ($1::uuid[] IS NULL OR saga_id IN (SELECT id FROM s))
                 GROUP BY saga_id),
           j AS (SELECT coalesce(s.id, l.saga_id, h.saga_id) AS saga_id, s.user_id, s.side, s.state, s.notional, s.fee, l.users,
                        l.user_id AS ledger_user_id, coalesce(l.reserves, 0) AS reserves, coalesce(l.releases, 0) AS releases,
                        coalesce(l.captures, 0) AS captures, coalesce(l.credits, 0) AS credits,
                        coalesce(l.paid, 0) AS paid, coalesce(l.credited, 0) AS credited,
                        coalesce(l.still_reserved, 0) AS still_reserved,
                        coalesce(h.house_trades, 0) AS house_trades, coalesce(h.house_fees, 0) AS house_fees,
                        coalesce(h.house_traded, 0) AS house_traded, coalesce(h.house_fee, 0) AS house_fee
                 FROM s FULL JOIN l ON l.saga_id = s.id FULL JOIN h ON h.saga_id = coalesce(s.id, l.saga_id))
      SELECT * FROM j
      WHERE state IS NULL
         OR (users IS NOT NULL AND (users > 1 OR ledger_user_id <> user_id))
         OR reserves > 1 OR releases > 1 OR captures > 1 OR credits > 1 OR house_trades > 1 OR house_fees > 1
         OR (side = 'SELL' AND (reserves > 0 OR captures > 0))
         OR (side = 'BUY' AND credits > 0)
         OR (state = 'COMPLETED' AND side = 'BUY' AND (captures <> 1 OR paid <> notional + fee OR house_traded <> notional))
         OR (state = 'COMPLETED' AND side = 'SELL' AND (credits <> 1 OR credited <> notional - fee OR house_traded <> -notional))
         OR (state = 'COMPLETED' AND house_fee <> fee)
         OR (state IN ${TERMINAL_SAGA_STATES} AND state <> 'COMPLETED' AND (captures > 0 OR credits > 0 OR house_trades > 0 OR house_fees > 0))
         OR (state IN ${TERMINAL_SAGA_STATES} AND still_reserved <> 0)`,
      },
    ],
  },
];

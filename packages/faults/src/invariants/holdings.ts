import { HOUSE, imported, inScope, type SqlCheck } from './types.ts';

const netTraded = `
  SELECT user_id, symbol, sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) AS traded
  FROM trade.trade WHERE ${inScope('user_id')} GROUP BY user_id, symbol`;

/** Assets: what each service holds for a user is what the user traded (the house's side: conservation.ts). */
export const holdingChecks: SqlCheck[] = [
  {
    name: 'holdings-equal-trades',
    rule: 'trade.holding quantity + reserved = quantity bought - quantity sold (trade.trade), per user and symbol',
    queries: [
      {
        on: 'trade',
        sql: `
      WITH net AS (${netTraded}),
           h AS (SELECT user_id, symbol, quantity + reserved AS held FROM trade.holding WHERE ${inScope('user_id')} AND user_id <> ${HOUSE})
      SELECT coalesce(h.user_id, net.user_id) AS user_id, coalesce(h.symbol, net.symbol) AS symbol,
             coalesce(h.held, 0) AS held, coalesce(net.traded, 0) AS traded
      FROM h FULL JOIN net ON net.user_id = h.user_id AND net.symbol = h.symbol
      WHERE coalesce(h.held, 0) <> coalesce(net.traded, 0)`,
      },
    ],
  },
  {
    name: 'payment-holdings-equal-trades',
    rule: "payment.held_asset (Payment's view, fed by CaptureFunds and CreditFunds) = quantity bought - quantity sold",
    queries: [
      {
        on: 'payment',
        imports: [{ from: 'trade', sql: netTraded }],
        sql: `
      WITH net AS ${imported(2, 'user_id uuid, symbol text, traded numeric')},
           p AS (SELECT user_id, symbol, quantity AS held FROM payment.held_asset WHERE ${inScope('user_id')} AND user_id <> ${HOUSE})
      SELECT coalesce(p.user_id, net.user_id) AS user_id, coalesce(p.symbol, net.symbol) AS symbol,
             coalesce(p.held, 0) AS held, coalesce(net.traded, 0) AS traded
      FROM p FULL JOIN net ON net.user_id = p.user_id AND net.symbol = p.symbol
      WHERE coalesce(p.held, 0) <> coalesce(net.traded, 0)`,
      },
    ],
  },
];

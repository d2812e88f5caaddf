import { imported, inScope, type SqlCheck } from './types.ts';

/** Trades happen at market prices: within the order's bound, and at a price the market published. */
export const priceChecks: SqlCheck[] = [
  {
    name: 'trade-within-bound',
    rule: "every trade.trade has its saga, and its price is within the saga's price_bound (BUY: price <= bound, SELL: price >= bound)",
    queries: [
      {
        on: 'trade',
        sql: `
      SELECT t.id AS trade_id, t.saga_id, t.user_id, t.side, t.symbol, t.price, s.price_bound
      FROM trade.trade t LEFT JOIN trade.saga s ON s.id = t.saga_id
      WHERE ${inScope('t.user_id')}
        AND (s.id IS NULL OR (t.side = 'BUY' AND t.price > s.price_bound) OR (t.side = 'SELL' AND t.price < s.price_bound))`,
      },
    ],
  },
  {
    name: 'trade-at-a-tick',
    rule:
      "a trade whose tick_seq lies within the seqs market.tick holds for its symbol names a stored tick of that symbol, at the trade's " +
      'price. Outside that range nothing is known: no market service stored ticks (a test published them), the tick is not flushed ' +
      'yet, or it was pruned (older than 24 h)',
    queries: [
      {
        on: 'market',
        imports: [
          {
            from: 'trade',
            sql: `SELECT id, saga_id, user_id, symbol, tick_seq, price FROM trade.trade WHERE tick_seq IS NOT NULL AND ${inScope('user_id')}`,
          },
        ],
        sql: `
      WITH t AS ${imported(2, 'id uuid, saga_id uuid, user_id uuid, symbol text, tick_seq bigint, price numeric')},
           stored AS (SELECT symbol, min(seq) AS first, max(seq) AS last FROM market.tick GROUP BY symbol)
      SELECT t.id AS trade_id, t.saga_id, t.user_id, t.symbol, t.tick_seq, t.price, k.price AS tick_price
      FROM t
      JOIN stored ON stored.symbol = t.symbol AND t.tick_seq BETWEEN stored.first AND stored.last
      LEFT JOIN market.tick k ON k.symbol = t.symbol AND k.seq = t.tick_seq
      WHERE ${inScope('t.user_id')} AND (k.seq IS NULL OR k.price <> t.price)`,
      },
    ],
  },
];

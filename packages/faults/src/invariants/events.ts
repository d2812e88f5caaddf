import { renamedEventTypes } from '@trading/contracts';
import { HOUSE, imported, inScope, type SqlCheck, TERMINAL_SAGA_STATES } from './types.ts';

/*
 * Reporting's event store against the facts of record. Each fact implies exactly one event: a ledger row its
 * Funds* event, an account its UserCreated (and UserRemoved once removed), a trade its TradeRecorded, an ended
 * saga its SagaCompleted or SagaFailed with that outcome. Facts and stored events are counted per
 * (type, user, saga) and must be equal: a lost event shows as stored < expected, an event stored twice under
 * two ids (or one no fact explains) as stored > expected. Events that leave no row of record (OrderAccepted,
 * HoldingReserved, OrderCancelled, OrderExpired, FundsRejected, CreditRejected, and FundsReleased of amount 0: Payment's
 * answer to a release with nothing reserved) are checked to be stored at most once per saga. A SagaStarted stored by
 * schema version 1 is the OrderAccepted of its saga. The house's ledger rows (TRADE, FEE) are the
 * other side of the saga user's FundsCaptured or FundsCredited, not events of their own, and the house's account
 * (made by a migration) has no UserCreated. The facts are counted in Payment's and Trade's databases and those counts
 * compared with the events in Reporting's.
 */
const ledgerEventType = `CASE kind WHEN 'DEPOSIT' THEN 'FundsDeposited' WHEN 'WITHDRAWAL' THEN 'FundsWithdrawn'
  WHEN 'RESERVE' THEN 'FundsReserved' WHEN 'RELEASE' THEN 'FundsReleased' WHEN 'CAPTURE' THEN 'FundsCaptured'
  WHEN 'CREDIT' THEN 'FundsCredited' END`;

const derived = `('FundsDeposited', 'FundsWithdrawn', 'FundsReserved', 'FundsReleased', 'FundsCaptured', 'FundsCredited',
  'UserCreated', 'UserRemoved', 'TradeRecorded', 'SagaCompleted', 'SagaFailed')`;

/** A stored event's type as the current schema version names it (a version 1 row may hold a SagaStarted). */
const currentType = `CASE type ${Object.entries(renamedEventTypes)
  .map(([old, now]) => `WHEN '${old}' THEN '${now}'`)
  .join(' ')} ELSE type END`;
/** The saga events no row of record implies, under their current names and the names version 1 stored them under. */
const unrecordedTypes = ['OrderAccepted', 'HoldingReserved', 'OrderCancelled', 'OrderExpired', 'FundsRejected', 'CreditRejected'];
const unrecorded = `(${[...unrecordedTypes, ...Object.keys(renamedEventTypes)].map((type) => `'${type}'`).join(', ')})`;

const releasedNothing = `(type = 'FundsReleased' AND amount = 0)`;

export const eventChecks: SqlCheck[] = [
  {
    name: 'events-stored-once',
    rule: 'reporting.event holds exactly one event per fact of record, counted per (type, user, saga); un-derivable saga events at most once per saga',
    queries: [
      {
        on: 'reporting',
        imports: [
          {
            from: 'payment',
            sql: `
      SELECT type, user_id, saga_id, count(*) AS n FROM (
             SELECT ${ledgerEventType} AS type, user_id, saga_id FROM payment.ledger WHERE ${inScope('user_id')} AND user_id <> ${HOUSE}
             UNION ALL SELECT 'UserCreated', user_id, NULL FROM payment.account WHERE ${inScope('user_id')} AND user_id <> ${HOUSE}
             UNION ALL SELECT 'UserRemoved', user_id, NULL FROM payment.account WHERE removed_at IS NOT NULL AND ${inScope('user_id')}) facts
      GROUP BY 1, 2, 3`,
          },
          {
            from: 'trade',
            sql: `
      SELECT type, user_id, saga_id, count(*) AS n FROM (
             SELECT 'TradeRecorded' AS type, user_id, saga_id FROM trade.trade WHERE ${inScope('user_id')}
             UNION ALL SELECT CASE state WHEN 'COMPLETED' THEN 'SagaCompleted' ELSE 'SagaFailed/' || state::text END, user_id, id
               FROM trade.saga WHERE state::text IN ${TERMINAL_SAGA_STATES} AND ${inScope('user_id')}) facts
      GROUP BY 1, 2, 3`,
          },
        ],
        sql: `
      WITH expected AS (SELECT type, user_id, saga_id, sum(n) AS n FROM (
                          SELECT * FROM ${imported(2, 'type text, user_id uuid, saga_id uuid, n bigint')} payment
                          UNION ALL SELECT * FROM ${imported(3, 'type text, user_id uuid, saga_id uuid, n bigint')} trade) facts
                        GROUP BY 1, 2, 3),
           stored AS (SELECT CASE type WHEN 'SagaFailed' THEN 'SagaFailed/' || coalesce(outcome, '?') ELSE type END AS type,
                             user_id, saga_id, count(*) AS n
                      FROM reporting.event
                      WHERE type IN ${derived} AND NOT ${releasedNothing} AND ${inScope('user_id')} GROUP BY 1, 2, 3)
      SELECT coalesce(e.type, s.type) AS type, coalesce(e.user_id, s.user_id) AS user_id,
             coalesce(e.saga_id, s.saga_id) AS saga_id, coalesce(e.n, 0) AS expected, coalesce(s.n, 0) AS stored
      FROM expected e FULL JOIN stored s
        ON s.type = e.type AND s.user_id IS NOT DISTINCT FROM e.user_id AND s.saga_id IS NOT DISTINCT FROM e.saga_id
      WHERE coalesce(e.n, 0) <> coalesce(s.n, 0)
      UNION ALL
      SELECT CASE WHEN ${releasedNothing} THEN 'FundsReleased/0' ELSE ${currentType} END,
             user_id, saga_id, NULL, count(*)
      FROM reporting.event
      WHERE (type IN ${unrecorded} OR ${releasedNothing}) AND ${inScope('user_id')}
      GROUP BY 1, 2, 3 HAVING count(*) > 1`,
      },
    ],
  },
];

import type { SqlClient } from '@trading/db';

export type LedgerDiscrepancy = { userId: string; available: string; reserved: string; ledgerAvailable: string; ledgerReserved: string };

/**
 * The accounts whose balances disagree with their ledger: per user, available must equal sum(available_delta)
 * and reserved sum(reserved_delta). Empty when the books balance.
 */
export async function ledgerDiscrepancies(db: SqlClient): Promise<LedgerDiscrepancy[]> {
  return db.$queryRawUnsafe<LedgerDiscrepancy[]>(
    `SELECT a.user_id::text AS "userId", a.available::text AS available, a.reserved::text AS reserved,
            coalesce(l.available, 0)::text AS "ledgerAvailable", coalesce(l.reserved, 0)::text AS "ledgerReserved"
     FROM payment.account a
     LEFT JOIN (SELECT user_id, sum(available_delta) AS available, sum(reserved_delta) AS reserved
                FROM payment.ledger GROUP BY user_id) l USING (user_id)
     WHERE a.available <> coalesce(l.available, 0) OR a.reserved <> coalesce(l.reserved, 0)
     ORDER BY a.user_id`,
  );
}

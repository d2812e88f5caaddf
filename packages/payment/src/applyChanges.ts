import type { SqlClient } from '@trading/db';
import type { Change } from './domain.ts';

/** Writes a decision's changes in the message's transaction. Each movement of money appends a ledger row. */
export async function applyChanges(tx: SqlClient, changes: readonly Change[]): Promise<void> {
  for (const change of changes) await applyChange(tx, change);
}

async function applyChange(tx: SqlClient, change: Change): Promise<void> {
  switch (change.type) {
    case 'OpenAccount':
      await tx.$executeRawUnsafe(`INSERT INTO payment.account (user_id, created_at) VALUES ($1::uuid, $2::timestamptz)`, change.userId, change.at);
      return;
    case 'CloseAccount':
      await tx.$executeRawUnsafe(`UPDATE payment.account SET removed_at = $2::timestamptz WHERE user_id = $1::uuid`, change.userId, change.at);
      return;
    case 'MoveFunds': {
      // One statement: the balances and their ledger row change together. CHECK constraints keep both balances >= 0.
      const appended = await tx.$executeRawUnsafe(
        `WITH moved AS (
           UPDATE payment.account SET available = available + $3::numeric, reserved = reserved + $4::numeric
           WHERE user_id = $1::uuid AND removed_at IS NULL RETURNING user_id)
         INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id, created_at)
         SELECT user_id, $2::payment."LedgerKind", $3::numeric, $4::numeric, $5::uuid, $6::timestamptz FROM moved`,
        change.userId,
        change.kind,
        change.available,
        change.reserved,
        change.sagaId ?? null,
        change.at,
      );
      if (appended !== 1) throw new Error(`no open account ${change.userId} to move funds of`);
      return;
    }
    case 'SetReservation':
      await tx.$executeRawUnsafe(
        `INSERT INTO payment.reservation (saga_id, user_id, amount, status, created_at, updated_at)
         VALUES ($1::uuid, $2::uuid, $3::numeric, $4::payment."ReservationStatus", $5::timestamptz, $5::timestamptz)
         ON CONFLICT (saga_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
        change.sagaId,
        change.userId,
        change.amount,
        change.status,
        change.at,
      );
      return;
    case 'AdjustHeldAsset':
      await tx.$executeRawUnsafe(
        `INSERT INTO payment.held_asset (user_id, symbol, quantity) VALUES ($1::uuid, $2, $3::numeric)
         ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = held_asset.quantity + EXCLUDED.quantity`,
        change.userId,
        change.symbol,
        change.quantity,
      );
      return;
    default: {
      const _exhaustive: never = change;
      throw new Error(`unknown change ${JSON.stringify(_exhaustive)}`);
    }
  }
}

import { Decimal, type PaymentCommand } from '@trading/contracts';
import type { SqlClient } from '@trading/db';
import type { ChangingRequest } from './decideRequest.ts';
import type { Account, CommandState, HeldAsset, RequestState, Reservation } from './domain.ts';

type AccountRow = { user_id: string; available: string; reserved: string; created_at: Date | string; removed_at: unknown };

/**
 * The open account of `userId`. With `lock`, its row stays locked until the transaction ends, so decisions on
 * the same account run one after another and balances are never decided on a stale read.
 */
export async function readAccount(db: SqlClient, userId: string, lock = false): Promise<Account | undefined> {
  const [row] = await db.$queryRawUnsafe<AccountRow[]>(
    `SELECT user_id::text, available::text, reserved::text, created_at, removed_at FROM payment.account
     WHERE user_id = $1::uuid ${lock ? 'FOR UPDATE' : ''}`,
    userId,
  );
  if (!row || row.removed_at !== null) return undefined;
  return {
    userId: row.user_id,
    available: canonical(row.available),
    reserved: canonical(row.reserved),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function readRequestState(tx: SqlClient, request: ChangingRequest): Promise<RequestState> {
  if (request.type === 'ADD_USER') return { account: undefined, heldAssets: [] };
  const account = await readAccount(tx, request.user_id, true);
  const heldAssets = account && request.type === 'REMOVE_USER' ? await readHeldAssets(tx, account.userId) : [];
  return { account, heldAssets };
}

/** Locks the account first and then the reservation: every transaction takes its locks in this order. */
export async function readCommandState(tx: SqlClient, command: PaymentCommand): Promise<CommandState> {
  const account = await readAccount(tx, command.user_id, true);
  const reservation = command.type === 'CreditFunds' ? undefined : await readReservation(tx, command.saga_id);
  return { account, reservation };
}

async function readReservation(tx: SqlClient, sagaId: string): Promise<Reservation | undefined> {
  const [row] = await tx.$queryRawUnsafe<{ user_id: string; amount: string; status: Reservation['status'] }[]>(
    `SELECT user_id::text, amount::text, status::text FROM payment.reservation WHERE saga_id = $1::uuid FOR UPDATE`,
    sagaId,
  );
  return row && { sagaId, userId: row.user_id, amount: canonical(row.amount), status: row.status };
}

async function readHeldAssets(tx: SqlClient, userId: string): Promise<HeldAsset[]> {
  const rows = await tx.$queryRawUnsafe<{ symbol: string; quantity: string }[]>(
    `SELECT symbol, quantity::text FROM payment.held_asset WHERE user_id = $1::uuid AND quantity <> 0 ORDER BY symbol`,
    userId,
  );
  return rows.map((row) => ({ symbol: row.symbol, quantity: canonical(row.quantity) }));
}

/** NUMERIC(20,8) text ("100.50000000") as the canonical decimal string ("100.5"). */
const canonical = (numeric: string): string => new Decimal(numeric).toFixed();

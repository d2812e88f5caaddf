import { canonicalDecimal, Decimal } from '@trading/contracts';
import { byPosition, batchedQuery, batchedStatements, type SqlClient } from '@trading/db';
import type { ChangingRequest } from './decideRequest.ts';
import type { Account, FundsStep, HeldAsset, RequestState, Reservation, StepState } from './domain.ts';

type AccountRow = { user_id: string; available: string; reserved: string; created_at: Date | string; removed_at: unknown; stream_seq: string };
const ACCOUNT_COLUMNS = 'user_id::text, available::text, reserved::text, created_at, removed_at, stream_seq::text';

/** The open account of `userId`, read without a lock (USER_INFO). */
export async function readAccount(db: SqlClient, userId: string): Promise<Account | undefined> {
  const [row] = await db.$queryRawUnsafe<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM payment.account WHERE user_id = $1::uuid`, userId);
  return toAccount(row);
}

/*
 * The locking reads the messages of a batch share (batched statements): one statement per round, rows locked in key order
 * as every transaction takes them, so two batches never wait on each other in a circle. An account stays locked
 * until the transaction ends, so decisions on the same account run one after another and balances are never
 * decided on a stale read.
 */
const locks = batchedStatements((tx) => ({
  account: batchedQuery((userIds: readonly string[]) => lockAccounts(tx, userIds)),
  reservation: batchedQuery((sagaIds: readonly string[]) => lockReservations(tx, sagaIds)),
}));

/**
 * The accounts a transaction has locked, as its own changes left them (applyChanges notes each one): the next message
 * of a lane (one user's messages, one after another in the batch) reads its account here instead of from the table
 * again. The lock is the transaction's already; what it holds is what the table holds for this transaction.
 */
const lockedAccounts = new WeakMap<SqlClient, Map<string, Account | undefined>>();

async function lockedAccount(tx: SqlClient, userId: string): Promise<Account | undefined> {
  const key = userId.toLowerCase();
  let known = lockedAccounts.get(tx);
  if (!known) lockedAccounts.set(tx, (known = new Map()));
  if (known.has(key)) return known.get(key);
  const account = await locks(tx).account(userId);
  known.set(key, account);
  return account;
}

/**
 * Keeps a locked account as this transaction changes it: its balances moved by signed deltas, or closed. An account
 * the transaction has not locked is left to be read when a decision needs it.
 */
export function noteAccountChange(tx: SqlClient, userId: string, change: { available: string; reserved: string } | 'closed'): void {
  const known = lockedAccounts.get(tx);
  const key = userId.toLowerCase();
  const account = known?.get(key);
  if (!known || !account) return;
  if (change === 'closed') known.set(key, undefined);
  else
    known.set(key, {
      ...account,
      available: new Decimal(account.available).add(change.available).toFixed(),
      reserved: new Decimal(account.reserved).add(change.reserved).toFixed(),
    });
}

/** An account as this transaction's changes left it, if the transaction locked it (a user's, not the house's). */
export function lockedBalance(tx: SqlClient, userId: string): Account | undefined {
  return lockedAccounts.get(tx)?.get(userId.toLowerCase());
}

export async function readRequestState(tx: SqlClient, request: ChangingRequest): Promise<RequestState> {
  if (request.type === 'ADD_USER') return { account: undefined, heldAssets: [], liveKey: undefined };
  const account = await lockedAccount(tx, request.user_id);
  const heldAssets = account && request.type === 'REMOVE_USER' ? await readHeldAssets(tx, account.userId) : [];
  const changesKey = request.type === 'REMOVE_USER' || request.type === 'ROTATE_API_KEY';
  const liveKey = account && changesKey ? await readLiveKey(tx, account.userId) : undefined;
  return { account, heldAssets, liveKey };
}

/** The SHA-256 of the user's key that is not revoked, if any. */
async function readLiveKey(tx: SqlClient, userId: string): Promise<string | undefined> {
  const [row] = await tx.$queryRawUnsafe<{ key_sha256: string }[]>(
    `SELECT key_sha256 FROM payment.credential WHERE user_id = $1::uuid AND revoked_at IS NULL`,
    userId,
  );
  return row?.key_sha256;
}

/** The user whose live key has this SHA-256, if that user's account is open. */
export async function readKeyOwner(db: SqlClient, keySha256: string): Promise<string | undefined> {
  const [row] = await db.$queryRawUnsafe<{ user_id: string }[]>(
    `SELECT c.user_id::text FROM payment.credential c JOIN payment.account a USING (user_id)
     WHERE c.key_sha256 = $1 AND c.revoked_at IS NULL AND a.removed_at IS NULL`,
    keySha256,
  );
  return row?.user_id;
}

/** Locks the account first and then the reservation: every transaction takes its locks in this order. */
export async function readStepState(tx: SqlClient, step: FundsStep): Promise<StepState> {
  const account = await lockedAccount(tx, step.user_id);
  const reservation = step.type === 'CreditFunds' ? undefined : await locks(tx).reservation(step.saga_id);
  return { account, reservation };
}

async function lockAccounts(tx: SqlClient, userIds: readonly string[]): Promise<(Account | undefined)[]> {
  const rows = await tx.$queryRawUnsafe<(AccountRow & { n: string })[]>(
    `SELECT ${ACCOUNT_COLUMNS}, wanted.n
     FROM payment.account JOIN unnest($1::uuid[]) WITH ORDINALITY AS wanted(user_id, n) USING (user_id)
     ORDER BY user_id FOR UPDATE OF account`,
    userIds,
  );
  return byPosition(rows, userIds.length).map(toAccount);
}

async function lockReservations(tx: SqlClient, sagaIds: readonly string[]): Promise<(Reservation | undefined)[]> {
  const rows = await tx.$queryRawUnsafe<{ n: string; saga_id: string; user_id: string; amount: string; status: Reservation['status'] }[]>(
    `SELECT saga_id::text, user_id::text, amount::text, status::text, wanted.n
     FROM payment.reservation JOIN unnest($1::uuid[]) WITH ORDINALITY AS wanted(saga_id, n) USING (saga_id)
     ORDER BY saga_id FOR UPDATE OF reservation`,
    sagaIds,
  );
  return byPosition(rows, sagaIds.length).map(
    (row) => row && { sagaId: row.saga_id, userId: row.user_id, amount: canonicalDecimal(row.amount), status: row.status },
  );
}

function toAccount(row: AccountRow | undefined): Account | undefined {
  if (!row || row.removed_at !== null) return undefined;
  return {
    userId: row.user_id,
    available: canonicalDecimal(row.available),
    reserved: canonicalDecimal(row.reserved),
    createdAt: new Date(row.created_at).toISOString(),
    streamSeq: Number(row.stream_seq),
  };
}

async function readHeldAssets(tx: SqlClient, userId: string): Promise<HeldAsset[]> {
  const rows = await tx.$queryRawUnsafe<{ symbol: string; quantity: string }[]>(
    `SELECT symbol, quantity::text FROM payment.held_asset WHERE user_id = $1::uuid AND quantity <> 0 ORDER BY symbol`,
    userId,
  );
  return rows.map((row) => ({ symbol: row.symbol, quantity: canonicalDecimal(row.quantity) }));
}

import type { OutgoingMessage } from '@trading/contracts';
import { accountStream, assertDistinct, byPosition, batchedStatements, batchedWrite, columns, deferredWrite, type SqlClient } from '@trading/db';
import type { Change } from './domain.ts';
import { lockedBalance, noteAccountChange } from './readState.ts';

type MoveFunds = Extract<Change, { type: 'MoveFunds' }>;
type SetReservation = Extract<Change, { type: 'SetReservation' }>;
type AdjustHeldAsset = Extract<Change, { type: 'AdjustHeldAsset' }>;

/** The changes that are rows of a batched statement, and that no other change of a decision depends on. */
const sideBySide: ReadonlySet<Change['type']> = new Set(['MoveFunds', 'SetReservation', 'AdjustHeldAsset']);

/**
 * Writes a decision's changes in the message's transaction. Each movement of money appends a ledger row. A saga step's
 * changes (balances, the reservation, the held asset) go side by side, one round trip for all; any other decision's in
 * order (a key is revoked before the next one is issued). Answers the account stream's changes to publish with them:
 * each movement of a user's funds, with the balances it left.
 */
export async function applyChanges(tx: SqlClient, changes: readonly Change[]): Promise<OutgoingMessage[]> {
  if (changes.every((change) => sideBySide.has(change.type))) {
    return (await Promise.all(changes.map((change) => applyChange(tx, change)))).flat();
  }
  const announced: OutgoingMessage[] = [];
  for (const change of changes) announced.push(...(await applyChange(tx, change)));
  return announced;
}

/**
 * The `account` stream's funds changes (contracts' accountStream.ts). Payment's counter is the account row's
 * stream_seq, which the transaction has locked already: one UPDATE for every account of the batch.
 */
const announce = accountStream('payment', async (tx, counts) => {
  const rows = await tx.$queryRawUnsafe<{ user_id: string; stream_seq: string }[]>(
    `UPDATE payment.account AS account SET stream_seq = account.stream_seq + c.n
     FROM unnest($1::uuid[], $2::bigint[]) AS c(user_id, n) WHERE account.user_id = c.user_id
     RETURNING account.user_id::text, account.stream_seq::text`,
    [...counts.keys()],
    [...counts.values()],
  );
  return new Map(rows.map((row) => [row.user_id, Number(row.stream_seq)]));
});

/** A movement of a user's funds as the stream shows it: the balances it left (the house's account is not streamed). */
async function announceFunds(tx: SqlClient, change: MoveFunds): Promise<OutgoingMessage[]> {
  const account = lockedBalance(tx, change.userId);
  if (!account) return [];
  const cause = { kind: change.kind, ...(change.sagaId ? { order_id: change.sagaId } : {}) };
  const funds = { user_id: account.userId, at: change.at, change: 'FUNDS' as const, balance: account.available, reserved: account.reserved, cause };
  return [await announce(tx, funds)];
}

/*
 * The statements the messages of a batch share (batched statements): one per round instead of one per message. A row
 * appears at most once in a statement; two changes of one row fail the batch, which then runs message by message.
 * Movements of money are deferred to the end of the batch (deferredWrite): every decision reads its account as the
 * transaction's own changes leave it (readState's lockedAccount), so none needs them written first, and one user's
 * messages (a lane) pay no round trip for them.
 */
const moveFundsLater = deferredWrite(moveFunds);
const statements = batchedStatements((tx) => ({
  setReservation: batchedWrite((reservations: readonly SetReservation[]) => setReservations(tx, reservations)),
  adjustHeldAsset: batchedWrite((adjustments: readonly AdjustHeldAsset[]) => adjustHeldAssets(tx, adjustments)),
}));

async function applyChange(tx: SqlClient, change: Change): Promise<OutgoingMessage[]> {
  switch (change.type) {
    case 'OpenAccount':
      await tx.$executeRawUnsafe(`INSERT INTO payment.account (user_id, created_at) VALUES ($1::uuid, $2::timestamptz)`, change.userId, change.at);
      return [];
    case 'CloseAccount':
      await tx.$executeRawUnsafe(`UPDATE payment.account SET removed_at = $2::timestamptz WHERE user_id = $1::uuid`, change.userId, change.at);
      noteAccountChange(tx, change.userId, 'closed');
      return [];
    case 'MoveFunds':
      await moveFundsLater(tx, change);
      noteAccountChange(tx, change.userId, change);
      return announceFunds(tx, change);
    case 'SetReservation':
      await statements(tx).setReservation(change);
      return [];
    case 'AdjustHeldAsset':
      await statements(tx).adjustHeldAsset(change);
      return [];
    case 'IssueCredential':
      await tx.$executeRawUnsafe(
        `INSERT INTO payment.credential (key_sha256, user_id, issued_at) VALUES ($1, $2::uuid, $3::timestamptz)`,
        change.keySha256,
        change.userId,
        change.at,
      );
      return [];
    case 'RevokeCredential':
      await tx.$executeRawUnsafe(
        `UPDATE payment.credential SET revoked_at = $3::timestamptz WHERE key_sha256 = $1 AND user_id = $2::uuid AND revoked_at IS NULL`,
        change.keySha256,
        change.userId,
        change.at,
      );
      return [];
    default: {
      const _exhaustive: never = change;
      throw new Error(`unknown change ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/**
 * One statement for a batch's movements, in the order they were decided: the balances and their ledger rows change
 * together. The movements of one account are summed into one update: they were decided one after another on the
 * balance as the ones before left it (a user's, in its lane), or nothing is decided on it (the house's, the other
 * side of every trade). Each appends its own ledger row. CHECK constraints keep a user's balances >= 0. A movement
 * of an account that is not open fails the batch.
 */
async function moveFunds(tx: SqlClient, moves: readonly MoveFunds[]): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ n: string }[]>(
    `WITH change AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::numeric[], $5::uuid[], $6::timestamptz[])
         WITH ORDINALITY AS c(user_id, kind, available, reserved, saga_id, at, n)),
     total AS (SELECT user_id, sum(available) AS available, sum(reserved) AS reserved FROM change GROUP BY user_id),
     moved AS (
       UPDATE payment.account AS account SET available = account.available + total.available, reserved = account.reserved + total.reserved
       FROM total WHERE account.user_id = total.user_id AND account.removed_at IS NULL RETURNING account.user_id),
     appended AS (
       INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta, saga_id, created_at)
       SELECT user_id, kind::payment."LedgerKind", available, reserved, saga_id, at FROM change JOIN moved USING (user_id) ORDER BY n)
     SELECT n FROM change JOIN moved USING (user_id)`,
    ...columns(moves, [(m) => m.userId, (m) => m.kind, (m) => m.available, (m) => m.reserved, (m) => m.sagaId ?? null, (m) => m.at]),
  );
  const unmoved = byPosition(rows, moves.length).indexOf(undefined);
  if (unmoved >= 0) throw new Error(`no open account ${moves[unmoved]!.userId} to move funds of`);
}

async function setReservations(tx: SqlClient, reservations: readonly SetReservation[]): Promise<void> {
  assertDistinct(reservations, (r) => r.sagaId.toLowerCase(), 'reservation');
  await tx.$executeRawUnsafe(
    `INSERT INTO payment.reservation (saga_id, user_id, amount, status, created_at, updated_at)
     SELECT saga_id, user_id, amount, status::payment."ReservationStatus", at, at
     FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::text[], $5::timestamptz[]) AS r(saga_id, user_id, amount, status, at)
     ORDER BY saga_id
     ON CONFLICT (saga_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
    ...columns(reservations, [(r) => r.sagaId, (r) => r.userId, (r) => r.amount, (r) => r.status, (r) => r.at]),
  );
}

async function adjustHeldAssets(tx: SqlClient, adjustments: readonly AdjustHeldAsset[]): Promise<void> {
  assertDistinct(adjustments, (a) => `${a.userId.toLowerCase()}/${a.symbol}`, 'held asset');
  await tx.$executeRawUnsafe(
    `INSERT INTO payment.held_asset (user_id, symbol, quantity)
     SELECT user_id, symbol, quantity FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS a(user_id, symbol, quantity)
     ORDER BY user_id, symbol
     ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = held_asset.quantity + EXCLUDED.quantity`,
    ...columns(adjustments, [(a) => a.userId, (a) => a.symbol, (a) => a.quantity]),
  );
}

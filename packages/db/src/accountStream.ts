import { type AccountChange, type AccountSource, accountChangeMessage, type OutgoingMessage, type UnnumberedChange } from '@trading/contracts';
import { deferredWrite } from './batching/deferred.ts';
import type { SqlClient } from './sql.ts';

/**
 * Advances the counters of some users in the caller's transaction, each by `count`, and answers each one's new last
 * number (keyed by the lower-case user id). One statement for every user of a batch.
 */
export type AdvanceCounters = (tx: SqlClient, counts: ReadonlyMap<string, number>) => Promise<ReadonlyMap<string, number>>;

type Pending = { userId: string; body: { seq: number } };

/**
 * A producer's announcements on the `account` stream (contracts' accountStream.ts). `announce` makes a change's
 * message for the transaction's outbox with its number left blank; the numbers are given together at the end of the
 * batch (a deferred write), one counter update per user however many of their changes the batch holds, in the order
 * the changes were announced. So one user's messages in one transaction get consecutive numbers, in order, and the
 * counter commits with them: a change that rolls back uses no number. Outside a batch the number is given at once.
 */
export function accountStream(source: AccountSource, advance: AdvanceCounters) {
  const number = deferredWrite(async (tx, pending: readonly Pending[]) => {
    const counts = new Map<string, number>();
    for (const { userId } of pending) counts.set(userId, (counts.get(userId) ?? 0) + 1);
    const last = await advance(tx, counts);
    const next = new Map([...counts].map(([userId, count]) => [userId, (last.get(userId) ?? count) - count]));
    for (const item of pending) {
      const seq = (next.get(item.userId) ?? 0) + 1;
      next.set(item.userId, seq);
      item.body.seq = seq;
    }
  });
  /** The change's outgoing message, to return with the transaction's others; numbered before the outbox writes it. */
  return async (tx: SqlClient, change: UnnumberedChange): Promise<OutgoingMessage> => {
    const userId = change.user_id.toLowerCase();
    const body = { type: 'ACCOUNT', source, seq: 0, ...change, user_id: userId } as AccountChange;
    await number(tx, { userId, body });
    return accountChangeMessage(body);
  };
}

export type AnnounceAccountChange = ReturnType<typeof accountStream>;

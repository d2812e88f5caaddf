import { recordAudit, settleDeadLetter, findDeadLetter, type DeadLetter, type SqlClient } from '@trading/db';
import type { DlqDeps } from './deps.ts';
import { OpsError } from '../opsError.ts';

const ACTIONS = { replayed: 'DEAD_LETTER_REPLAYED', dropped: 'DEAD_LETTER_DROPPED' } as const;

/**
 * Replays or drops one waiting dead letter in one transaction: locks its row, refuses it unless it waits (and, for a
 * replay, unless `check` passes), marks it and appends the audit row (the operator, the dead letter's id as subject,
 * its message id), then runs `effect` (the publish) last: if the broker does not take the message, nothing is marked
 * and nothing audited.
 */
export async function settleOne(
  deps: DlqDeps,
  id: string,
  state: keyof typeof ACTIONS,
  check: (d: DeadLetter) => void,
  effect: (d: DeadLetter) => Promise<void>,
): Promise<DeadLetter> {
  return deps.db.$transaction(async (tx: SqlClient) => {
    const deadLetter = await findDeadLetter(tx, id, true);
    if (!deadLetter) throw new OpsError('DLQ_UNKNOWN_ID', id);
    if (deadLetter.state === 'replayed')
      throw new OpsError('DLQ_ALREADY_REPLAYED', `${id} by ${deadLetter.stateChangedBy} at ${deadLetter.stateChangedAt.toISOString()}`);
    if (deadLetter.state === 'dropped')
      throw new OpsError('DLQ_ALREADY_DROPPED', `${id} by ${deadLetter.stateChangedBy} at ${deadLetter.stateChangedAt.toISOString()}`);
    check(deadLetter);
    const at = deps.now();
    await settleDeadLetter(tx, deadLetter.id, state, deps.operator, at);
    await recordAudit(tx, 'reporting', {
      actor: deps.operator,
      action: ACTIONS[state],
      subject: deadLetter.id,
      requestId: deadLetter.messageId,
      at: at.toISOString(),
    });
    await effect(deadLetter);
    return deadLetter;
  });
}

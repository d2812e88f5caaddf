import type { DeadLetter } from '@trading/db';
import type { DlqDeps } from './deps.ts';
import { OpsError } from '../opsError.ts';
import { settleOne } from './settleOne.ts';

/**
 * Publishes a waiting dead letter again where it was first published (createReplayer), its failures' headers removed,
 * and marks it replayed. The consumer's inbox recognises a message it applied already, so a replay never applies one
 * twice: but only while the inbox remembers it, INBOX_RETENTION_HOURS after it was first published; past that a
 * replay needs `force`.
 */
export async function replayDeadLetter(deps: DlqDeps, id: string, force: boolean): Promise<DeadLetter> {
  const check = (d: DeadLetter) => {
    const since = Math.min(d.firstFailedAt.getTime(), d.publishedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    const ageHours = (deps.now().getTime() - since) / 3_600_000;
    if (!force && ageHours > deps.retentionHours) {
      throw new OpsError('DLQ_PAST_RETENTION', `${d.id} is ${Math.floor(ageHours)} h old, the inbox keeps ${deps.retentionHours} h`);
    }
  };
  const publish = async (d: DeadLetter) => {
    try {
      await deps.replayer.replay(d);
    } catch (err) {
      if (err instanceof OpsError) throw err;
      throw new OpsError('DLQ_REPLAY_FAILED', `${d.id}: ${(err as Error).message}`);
    }
  };
  return settleOne(deps, id, 'replayed', check, publish);
}

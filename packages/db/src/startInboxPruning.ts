import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@trading/platform';
import { type InboxRetention, pruneInbox } from './pruneInbox.ts';
import type { ServiceSchema, SqlClient } from './sql.ts';

export type InboxPruning = { stop(): Promise<void> };

/**
 * The inbox's retention job: prunes at start and then every `intervalMs` (pruneInbox). A failed round (the
 * database gone, say) is logged and the next interval tries again. `stop` ends the round in hand after its
 * current batch and resolves once nothing more will run.
 */
export function startInboxPruning(deps: { db: SqlClient; schema: ServiceSchema; logger: Logger; retention: InboxRetention; intervalMs: number }): InboxPruning {
  const { db, schema, logger, retention, intervalMs } = deps;
  const stopping = new AbortController();
  const rounds = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const removed = await pruneInbox(db, schema, retention, stopping.signal);
        if (removed > 0) logger.info({ removed, retentionHours: retention.retentionHours }, 'expired inbox keys removed');
      } catch (err) {
        logger.warn({ err }, 'inbox pruning failed; will try again at the next interval');
      }
      await sleep(intervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await rounds;
    },
  };
}

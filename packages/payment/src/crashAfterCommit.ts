import type { Outbox } from '@trading/db';
import type { Logger } from '@trading/platform';

/** Exit code of a process stopped by the PAYMENT_CRASH_AFTER_COMMIT fault injection. */
export const CRASH_EXIT_CODE = 86;

/**
 * Fault injection for tests only (PAYMENT_CRASH_AFTER_COMMIT=1): the process exits right after the first
 * transaction commits, before its outbox messages are published, as if it were killed there. The next start's
 * outbox sweep must publish what it left, and the redelivered message must change nothing.
 */
export function crashAfterCommit(outbox: Outbox, logger: Logger): Outbox {
  return {
    ...outbox,
    flush: () => {
      logger.fatal('fault injection: exiting after commit, before the outbox flush');
      process.exit(CRASH_EXIT_CODE);
    },
  };
}

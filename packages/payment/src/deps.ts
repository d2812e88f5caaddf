import type { Bus } from '@trading/bus';
import type { Database, ProcessOnce } from '@trading/db';
import type { Logger } from '@trading/platform';

/** Everything the Payment service's handlers need, built once by main.ts. */
export type PaymentDeps = {
  db: Database;
  bus: Bus;
  /** Exactly-once application of a message's effect, batched per transaction (@trading/db). */
  processOnce: ProcessOnce;
  logger: Logger;
  /** The only source of "now": ledger rows, reservations, credentials and audit rows. */
  clock: () => Date;
};

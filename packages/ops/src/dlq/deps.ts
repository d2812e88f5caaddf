import type { Database } from '@trading/db';
import type { Replayer } from './createReplayer.ts';

/** What the dead-letter console's commands need, made by main.ts (or a test). */
export type DlqDeps = {
  db: Database;
  replayer: Replayer;
  now: () => Date;
  /** Who runs the console, as the audit trail records it (`operator:<name>`). */
  operator: string;
  /** The inboxes' retention (INBOX_RETENTION_HOURS): a replay of an older message needs --force. */
  retentionHours: number;
  /** Where the console writes its answer (standard output). */
  out: (text: string) => void;
  /** Where it writes a refusal (standard error). */
  err: (text: string) => void;
};

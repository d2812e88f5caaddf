/*
 * The operator tools' failures, each with a stable code (tests and scripts match on it, never on the text) and the
 * exit code the command ends with. Backups (`pnpm backup`, `pnpm restore`): 1 the work failed, 2 the command was
 * wrong, 3 the restore was refused to protect the target. Dead letters (`pnpm dlq`): 2 usage, 3 unknown id, 4 settled
 * already, 5 past the inbox retention, 6 the broker did not take the replay.
 */
export const opsErrors = {
  BACKUP_USAGE: { exitCode: 2, message: 'wrong arguments' },
  BACKUP_FILE_EXISTS: { exitCode: 2, message: 'the backup file exists already' },
  BACKUP_FILE_MISSING: { exitCode: 2, message: 'the backup file cannot be read' },
  BACKUP_TOOL_MISSING: { exitCode: 1, message: 'a PostgreSQL client program is not on PATH' },
  BACKUP_TOOL_FAILED: { exitCode: 1, message: 'a PostgreSQL client program failed' },
  BACKUP_DATABASE_UNREACHABLE: { exitCode: 1, message: 'the database cannot be reached' },
  RESTORE_TARGET_NOT_EMPTY: { exitCode: 3, message: 'the target database holds data' },
  RESTORE_TARGET_IN_USE: { exitCode: 3, message: 'other sessions are connected to the target database' },
  DLQ_USAGE: { exitCode: 2, message: 'usage: pnpm dlq list | show <id> | replay <id> [--force] | replay --all [--queue <q>] [--force] | drop <id>' },
  DLQ_UNKNOWN_ID: { exitCode: 3, message: 'no dead letter has this id' },
  DLQ_ALREADY_REPLAYED: { exitCode: 4, message: 'this dead letter was replayed already' },
  DLQ_ALREADY_DROPPED: { exitCode: 4, message: 'this dead letter was dropped' },
  DLQ_PAST_RETENTION: { exitCode: 5, message: 'older than the inbox retention window: replay it with --force' },
  DLQ_REPLAY_FAILED: { exitCode: 6, message: 'the broker did not take the replayed message' },
} as const;

export type OpsErrorCode = keyof typeof opsErrors;

export class OpsError extends Error {
  override name = 'OpsError';
  readonly exitCode: number;

  constructor(
    readonly code: OpsErrorCode,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(detail ? `${opsErrors[code].message}: ${detail}` : opsErrors[code].message, options);
    this.exitCode = opsErrors[code].exitCode;
  }
}

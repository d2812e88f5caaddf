/*
 * The backup tool's failures, each with a stable code (tests and scripts match on it, never on the text) and the exit
 * code `pnpm backup` / `pnpm restore` ends with: 1 the work failed, 2 the command was wrong, 3 the restore was refused
 * to protect the target database.
 */
export const backupErrors = {
  BACKUP_USAGE: { exitCode: 2, message: 'wrong arguments' },
  BACKUP_FILE_EXISTS: { exitCode: 2, message: 'the backup file exists already' },
  BACKUP_FILE_MISSING: { exitCode: 2, message: 'the backup file cannot be read' },
  BACKUP_TOOL_MISSING: { exitCode: 1, message: 'a PostgreSQL client program is not on PATH' },
  BACKUP_TOOL_FAILED: { exitCode: 1, message: 'a PostgreSQL client program failed' },
  BACKUP_DATABASE_UNREACHABLE: { exitCode: 1, message: 'the database cannot be reached' },
  RESTORE_TARGET_NOT_EMPTY: { exitCode: 3, message: 'the target database holds data' },
  RESTORE_TARGET_IN_USE: { exitCode: 3, message: 'other sessions are connected to the target database' },
} as const;

export type BackupErrorCode = keyof typeof backupErrors;

export class BackupError extends Error {
  override name = 'BackupError';
  readonly exitCode: number;

  constructor(
    readonly code: BackupErrorCode,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${backupErrors[code].message}: ${detail}`, options);
    this.exitCode = backupErrors[code].exitCode;
  }
}

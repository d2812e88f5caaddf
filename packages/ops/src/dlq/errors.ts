/** The dead-letter console's refusals, each with a stable code and the process exit code `pnpm dlq` ends with. */
export const dlqErrors = {
  DLQ_USAGE: { exitCode: 2, message: 'usage: pnpm dlq list | show <id> | replay <id> [--force] | replay --all [--queue <q>] [--force] | drop <id>' },
  DLQ_UNKNOWN_ID: { exitCode: 3, message: 'no dead letter has this id' },
  DLQ_ALREADY_REPLAYED: { exitCode: 4, message: 'this dead letter was replayed already' },
  DLQ_ALREADY_DROPPED: { exitCode: 4, message: 'this dead letter was dropped' },
  DLQ_PAST_RETENTION: { exitCode: 5, message: 'older than the inbox retention window: replay it with --force' },
  DLQ_REPLAY_FAILED: { exitCode: 6, message: 'the broker did not take the replayed message' },
} as const;

export type DlqErrorCode = keyof typeof dlqErrors;

export class DlqError extends Error {
  override name = 'DlqError';
  readonly exitCode: number;

  constructor(
    readonly code: DlqErrorCode,
    detail?: string,
  ) {
    super(detail ? `${dlqErrors[code].message}: ${detail}` : dlqErrors[code].message);
    this.exitCode = dlqErrors[code].exitCode;
  }
}

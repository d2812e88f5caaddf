import { findDeadLetter, listDeadLetters } from '@trading/db';
import type { DlqDeps } from './deps.ts';
import { OpsError } from '../opsError.ts';
import { formatList } from './formatList.ts';
import { formatShow } from './formatShow.ts';
import { type DlqCommand, parseCommand } from './parseCommand.ts';
import { replayDeadLetter } from './replayDeadLetter.ts';
import { settleOne } from './settleOne.ts';

/** The most dead letters one `list` prints. */
const LISTED = 1000;

/** Runs one `pnpm dlq` command; resolves with the exit code (0, or a refusal's: errors.ts), having written its answer. */
export async function runDlq(deps: DlqDeps, argv: readonly string[]): Promise<number> {
  try {
    await run(deps, parseCommand(argv));
    return 0;
  } catch (err) {
    if (!(err instanceof OpsError)) throw err;
    deps.err(`dlq: ${err.code}: ${err.message}`);
    return err.exitCode;
  }
}

async function run(deps: DlqDeps, command: DlqCommand): Promise<void> {
  switch (command.verb) {
    case 'list': {
      const state = command.all ? undefined : 'waiting';
      deps.out(formatList(await listDeadLetters(deps.db, { state, queue: command.queue, limit: LISTED })));
      return;
    }
    case 'show': {
      const deadLetter = await findDeadLetter(deps.db, command.id);
      if (!deadLetter) throw new OpsError('DLQ_UNKNOWN_ID', command.id);
      deps.out(formatShow(deadLetter));
      return;
    }
    case 'replay': {
      const d = await replayDeadLetter(deps, command.id, command.force);
      deps.out(`replayed ${d.id} (message ${d.messageId}) to exchange '${d.exchange}', routing key '${d.routingKey}'`);
      return;
    }
    case 'replay-all':
      return replayAll(deps, command.queue, command.force);
    case 'drop': {
      const d = await settleOne(
        deps,
        command.id,
        'dropped',
        () => undefined,
        async () => undefined,
      );
      deps.out(`dropped ${d.id} (message ${d.messageId})`);
      return;
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** Replays every waiting dead letter (of one queue), oldest first; one refused does not stop the others, but fails the run. */
async function replayAll(deps: DlqDeps, queue: string | undefined, force: boolean): Promise<void> {
  const waiting = (await listDeadLetters(deps.db, { state: 'waiting', queue, limit: Number.MAX_SAFE_INTEGER })).reverse();
  let refused: OpsError | undefined;
  let replayed = 0;
  for (const { id } of waiting) {
    try {
      await replayDeadLetter(deps, id, force);
      replayed += 1;
    } catch (err) {
      if (!(err instanceof OpsError)) throw err;
      deps.err(`dlq: ${err.code}: ${err.message}`);
      refused ??= err;
    }
  }
  deps.out(`replayed ${replayed} of ${waiting.length} dead letter(s)`);
  if (refused) throw new OpsError(refused.code, `${waiting.length - replayed} of ${waiting.length} not replayed`);
}

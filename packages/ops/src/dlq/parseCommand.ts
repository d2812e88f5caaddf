import { parseArgs } from 'node:util';
import { OpsError } from '../opsError.ts';

export type DlqCommand =
  | { verb: 'list'; queue: string | undefined; all: boolean }
  | { verb: 'show'; id: string }
  | { verb: 'replay'; id: string; force: boolean }
  | { verb: 'replay-all'; queue: string | undefined; force: boolean }
  | { verb: 'drop'; id: string };

/** `pnpm dlq`'s arguments as a command; DLQ_USAGE for anything else. */
export function parseCommand(argv: readonly string[]): DlqCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new OpsError('DLQ_USAGE', (err as Error).message);
  }
  const { values, positionals } = parsed;
  const [verb, id, ...rest] = positionals;
  if (rest.length > 0) throw new OpsError('DLQ_USAGE', `unexpected ${rest.join(' ')}`);
  if (verb === 'list' && id === undefined) return { verb, queue: values.queue, all: values.all ?? false };
  if (verb === 'replay' && values.all && id === undefined) return { verb: 'replay-all', queue: values.queue, force: values.force ?? false };
  if (id === undefined || values.all || values.queue !== undefined) throw new OpsError('DLQ_USAGE');
  if (verb === 'show' || verb === 'drop') return { verb, id };
  if (verb === 'replay') return { verb, id, force: values.force ?? false };
  throw new OpsError('DLQ_USAGE');
}

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { all: { type: 'boolean' }, queue: { type: 'string' }, force: { type: 'boolean' } },
  });

import { parseArgs } from 'node:util';
import { OpsError } from '../opsError.ts';

export type BackupCommand =
  | { command: 'backup'; out: string | undefined }
  | { command: 'restore'; file: string; into: string | undefined; force: boolean }
  | { command: 'help' };

export const USAGE = `usage:
  pnpm backup [--out <file>]                              dump DATABASE_URL (default .tmp/backups/trading-<UTC time>.dump); with a
                                                          database per service (<SERVICE>_DATABASE_URL), each to <file>.<service>.dump
  pnpm restore <file> [--into <database-url>] [--force]   restore a dump into DATABASE_URL (a dump of one service's schema: into that
                                                          service's database), or into the database --into names (created if
                                                          missing); a database holding data is replaced only with --force`;

/** The command line after the script (`backup …` or `restore …`), checked. Pure. */
export function parseCommand(argv: readonly string[]): BackupCommand {
  const [command, ...rest] = argv;
  try {
    if (command === 'backup') {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
      return values.help ? { command: 'help' } : { command: 'backup', out: values.out };
    }
    if (command === 'restore') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { into: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return { command: 'help' };
      if (positionals.length !== 1) throw new Error(`restore takes one backup file, got ${positionals.length}`);
      if (values.into !== undefined) checkDatabaseUrl(values.into);
      return { command: 'restore', file: positionals[0]!, into: values.into, force: values.force };
    }
  } catch (err) {
    throw new OpsError('BACKUP_USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  throw new OpsError('BACKUP_USAGE', `unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
}

function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--into ${JSON.stringify(url)} is not a URL`);
  }
  if (!['postgresql:', 'postgres:'].includes(parsed.protocol) || parsed.pathname.length < 2) {
    throw new Error(`--into must be a postgresql:// URL naming a database, got ${JSON.stringify(url)}`);
  }
}

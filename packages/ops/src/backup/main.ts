import { resolve } from 'node:path';
import { databasePasswordsFrom } from '@trading/db';
import { ConfigError, databasesConfigShape, databaseUrlsByService, loadConfig } from '@trading/platform';
import { backupDatabase } from './backupDatabase.ts';
import { redacted } from './connection.ts';
import { defaultBackupFile } from './defaultBackupFile.ts';
import { OpsError } from '../opsError.ts';
import { describeContents, listTables } from './listTables.ts';
import { type BackupCommand, parseCommand, USAGE } from './parseCommand.ts';
import { restoreDatabase } from './restoreDatabase.ts';
import { backupFiles, restoreTarget } from './serviceDatabases.ts';

/*
 * `pnpm backup [--out <file>]` and `pnpm restore <file> [--into <database-url>] [--force]` (README, Operations →
 * Backups). The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/trading), as the migration
 * role, or with a database per service each <SERVICE>_DATABASE_URL (serviceDatabases.ts); the runtime roles' passwords, for a restore that creates them, are DB_PASSWORD_<SERVICE>, as `pnpm migrate`
 * reads them. Exit codes: 0 done, 1 failed, 2 wrong command, 3 restore refused (errors.ts).
 */
const print = (line: string): void => void process.stdout.write(`${line}\n`);

async function run(command: BackupCommand): Promise<void> {
  if (command.command === 'help') return print(USAGE);
  const config = loadConfig(databasesConfigShape);
  const urls = databaseUrlsByService(config);
  if (command.command === 'backup') {
    for (const { url, file, services } of backupFiles(resolve(command.out ?? defaultBackupFile(new Date())), urls)) {
      const backup = await backupDatabase(url, file);
      print(`backup written: ${backup.file} (${mebibytes(backup.bytes)}, ${backup.bytes} bytes) in ${seconds(backup.durationMs)}`);
      print(`one snapshot of ${redacted(url)} (${services.join(', ')}) taken at ${backup.startedAt.toISOString()}: ${describeContents(backup.contents)}`);
    }
    return;
  }
  const targetUrl = command.into ?? restoreTarget(await listTables(resolve(command.file)).catch(() => []), urls, config.DATABASE_URL);
  const restore = await restoreDatabase({ file: resolve(command.file), targetUrl, force: command.force, passwords: databasePasswordsFrom(process.env) });
  print(
    `restored ${command.file} into database ${restore.database} (${redacted(targetUrl)}) in ${seconds(restore.durationMs)}: ${describeContents(restore.contents)}`,
  );
  print('the services’ database roles are granted their schemas; purge the old queues before starting the services on it (README, Operations → Backups)');
  if (restore.keptAs) print(`the database it replaced is kept as ${restore.keptAs}; once satisfied: DROP DATABASE "${restore.keptAs}"`);
}

const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const name = process.argv[2] === 'restore' ? 'restore' : 'backup';
Promise.resolve()
  .then(() => run(parseCommand(process.argv.slice(2))))
  .then(
    () => {
      process.exitCode = 0;
    },
    (err: unknown) => {
      if (err instanceof OpsError) process.stderr.write(`${name}: ${err.code}: ${err.message}\n`);
      else if (err instanceof ConfigError) process.stderr.write(`${name}: ${err.code}: ${err.message}\n`);
      else process.stderr.write(`${name}: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = err instanceof OpsError ? err.exitCode : err instanceof ConfigError ? 2 : 1;
    },
  );

import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { connectionFor } from './connection.ts';
import { OpsError } from '../opsError.ts';
import { type DumpContents, listTables } from './listTables.ts';
import { runTool } from './runTool.ts';

export type Backup = { file: string; bytes: number; contents: DumpContents; startedAt: Date; durationMs: number };

/** How long pg_dump waits for a table lock (a TRUNCATE in progress) before it gives up, rather than hanging. */
const LOCK_WAIT = '30s';

/**
 * Dumps the whole database `databaseUrl` names, every schema in it (the services', the migrations table, any added
 * later) with their privileges, in pg_dump's custom format, to `file`. pg_dump reads everything in one transaction
 * (one REPEATABLE READ snapshot, taken when it starts), so the services' data in the file are what they were at one
 * instant. It writes to `<file>.partial` and renames it once complete: a file of that name is never half a backup.
 */
export async function backupDatabase(databaseUrl: string, file: string, clock: () => Date = () => new Date()): Promise<Backup> {
  if (existsSync(file)) throw new OpsError('BACKUP_FILE_EXISTS', `${file}; choose another --out`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const { dbname, env } = connectionFor(databaseUrl);
  const startedAt = clock();
  try {
    await runTool('pg_dump', ['--format=custom', `--lock-wait-timeout=${LOCK_WAIT}`, `--file=${partial}`, `--dbname=${dbname}`], env);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, file);
  const durationMs = clock().getTime() - startedAt.getTime();
  return { file, bytes: statSync(file).size, contents: await listTables(file), startedAt, durationMs };
}

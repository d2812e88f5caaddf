import { accessSync, constants } from 'node:fs';
import { type DatabasePasswords, ensureDatabaseRoles, provisionDatabaseRoles } from '@trading/db';
import { connectionFor, withDatabase } from './connection.ts';
import { OpsError } from '../opsError.ts';
import { type DumpContents, listTables } from './listTables.ts';
import { runTool } from './runTool.ts';
import { createDatabase, databaseExists, databaseName, dropDatabase, inUse, otherSessions, swapDatabases, userRelations } from './targetDatabase.ts';

export type RestoreOptions = {
  file: string;
  /** The database to restore into; created if missing. */
  targetUrl: string;
  /** Replace a database that holds data. */
  force: boolean;
  /** The runtime roles' passwords (DB_PASSWORD_<SERVICE>), set on roles this restore creates or already has. */
  passwords: DatabasePasswords;
  clock?: () => Date;
};

export type Restore = {
  database: string;
  contents: DumpContents;
  /** With --force over a database holding data: the name the replaced database is kept under. */
  keptAs: string | undefined;
  durationMs: number;
};

/** PostgreSQL's longest identifier, in bytes. */
const MAX_NAME = 63;

/**
 * Restores the dump `file` into the database `targetUrl` names, usable by the services at once:
 *
 * - the runtime roles are the cluster's, not the dump's: any that are missing are created first, so the privileges
 *   the dump carries (each role's grants on its schema) are restored with it; afterwards the roles are provisioned on
 *   the database again (provisionDatabaseRoles: CONNECT on the database, which no dump of a database carries);
 * - a missing database is created, and an empty one restored into;
 * - a database holding data is refused (RESTORE_TARGET_NOT_EMPTY) unless `force`: then the dump is restored into a
 *   new database beside it, and only once that succeeded are the two swapped by name in one transaction, the old one
 *   kept under `<name>_pre_restore_<yyyymmdd_hhmmss>` (UTC). That is `pg_restore --clean --if-exists` made whole: the target ends as
 *   the dump, with no table left over from before, and a failed restore leaves it untouched (pg_restore --clean itself
 *   cannot drop the primary keys of the outbox's partitions). It needs the target to have no sessions
 *   (RESTORE_TARGET_IN_USE): stop the services first.
 *
 * Objects belong to the role restoring (the migration role), whatever role owned them where the dump was taken.
 */
export async function restoreDatabase(options: RestoreOptions): Promise<Restore> {
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  try {
    accessSync(options.file, constants.R_OK);
  } catch (err) {
    throw new OpsError('BACKUP_FILE_MISSING', `${options.file} (${(err as Error).message})`);
  }
  const contents = await listTables(options.file);
  const adminUrl = withDatabase(options.targetUrl, 'postgres');
  const target = databaseName(options.targetUrl);
  const done = (keptAs: string | undefined): Restore => ({ database: target, contents, keptAs, durationMs: clock().getTime() - startedAt.getTime() });
  await ensureDatabaseRoles(adminUrl, options.passwords);
  if (!(await databaseExists(adminUrl, target))) {
    await createDatabase(adminUrl, target);
    try {
      await restoreInto(options.file, options.targetUrl, options.passwords);
    } catch (err) {
      await dropDatabase(adminUrl, target).catch(() => undefined);
      throw err;
    }
    return done(undefined);
  }
  const relations = await userRelations(options.targetUrl);
  if (relations.length === 0) {
    await restoreInto(options.file, options.targetUrl, options.passwords);
    return done(undefined);
  }
  if (!options.force) {
    const some = relations.slice(0, 3).join(', ');
    throw new OpsError(
      'RESTORE_TARGET_NOT_EMPTY',
      `database ${target} has ${relations.length} tables and sequences (${some}, …); pass --force to replace it (it is kept under another name), or --into a new database`,
    );
  }
  return done(await replace(options, adminUrl, target, startedAt));
}

/** Restores beside `target`, then swaps the two; answers the name the old one is kept under. */
async function replace(options: RestoreOptions, adminUrl: string, target: string, startedAt: Date): Promise<string> {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '_')
    .replace(/\.\d+Z$/, '');
  const beside = sibling(target, `_restoring_${stamp}`);
  const keptAs = sibling(target, `_pre_restore_${stamp}`);
  const sessions = await otherSessions(adminUrl, target);
  if (sessions.length > 0) throw inUse(target, sessions);
  await createDatabase(adminUrl, beside);
  try {
    await restoreInto(options.file, withDatabase(options.targetUrl, beside), options.passwords);
    const late = await otherSessions(adminUrl, target);
    if (late.length > 0) throw inUse(target, late);
    await swapDatabases(adminUrl, target, beside, keptAs);
  } catch (err) {
    await dropDatabase(adminUrl, beside).catch(() => undefined);
    throw err;
  }
  return keptAs;
}

/** pg_restore in one transaction (all or nothing), with the dump's privileges, then the roles provisioned. */
async function restoreInto(file: string, url: string, passwords: DatabasePasswords): Promise<void> {
  const { dbname, env } = connectionFor(url);
  await runTool('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', `--dbname=${dbname}`, file], env);
  await provisionDatabaseRoles(url, passwords);
}

/** `<name><suffix>`, the name shortened to fit PostgreSQL's identifier length. */
function sibling(name: string, suffix: string): string {
  let base = name;
  while (Buffer.byteLength(base + suffix) > MAX_NAME) base = base.slice(0, -1);
  return base + suffix;
}

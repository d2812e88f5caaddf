import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DatabasePasswords, provisionDatabaseRoles } from '../databaseRoles.ts';
import { type Baseline, baselineHistory } from './baselineHistory.ts';
import { ensureDatabase } from './ensureDatabase.ts';
import { type DatabaseOwner, databaseOwners } from '@trading/platform';
import { databasesOf } from './serviceDatabases.ts';

const run = promisify(execFile);

export type MigrateOptions = {
  /** The repository's root: prisma/<service>.config.ts and prisma/<service>/migrations are there. */
  root: string;
  /** Each service's database as the migration role (databaseUrlsByService): the same URL four times, or up to four. */
  urls: Record<DatabaseOwner, string>;
  /** The runtime roles' passwords, when the server asks for them (DB_PASSWORD_<SERVICE>). */
  passwords?: DatabasePasswords;
};

export type MigrationResult = Baseline & { output: string };

/**
 * `pnpm migrate`: every service's migrations, into its own database. Creates a missing database, baselines a service
 * whose database still has only the combined history (baselineHistory), runs `prisma migrate deploy` with the service's
 * config (its migrations, its history table), then provisions the runtime roles once in each database.
 *
 * The four deploys run at once: each takes ~15 s, mostly the CLI's start and the WebAssembly engine's idle timer after
 * the work (prisma/README.md). Each holds its service's migration lock (prisma/migrationConfig.ts), not Prisma's one
 * per database, so they run side by side in one database too, while two runs never migrate one service at once.
 */
export async function migrateServiceDatabases({ root, urls, passwords = {} }: MigrateOptions): Promise<MigrationResult[]> {
  refuseCombinedDirectory(root);
  const databases = databasesOf(urls);
  for (const url of databases.keys()) await ensureDatabase(url);
  const results = await Promise.all(
    databaseOwners.map(async (service) => {
      const baseline = await baselineHistory(urls[service], service, join(root, 'prisma', service, 'migrations'));
      return { ...baseline, output: await deployMigrations(root, service, urls[service]) };
    }),
  );
  for (const url of databases.keys()) await provisionDatabaseRoles(url, passwords);
  return results;
}

/**
 * A migration left in the combined directory, prisma/migrations (from a branch made before the split), would never be
 * applied: nothing reads that directory any more. Refuse to run until it is moved into its service's directory.
 */
function refuseCombinedDirectory(root: string): void {
  const combined = join(root, 'prisma', 'migrations');
  const left = existsSync(combined) ? readdirSync(combined).filter((name) => existsSync(join(combined, name, 'migration.sql'))) : [];
  if (left.length > 0) {
    throw new Error(`prisma/migrations holds ${left.join(', ')}: move each into its service's directory, prisma/<service>/migrations (prisma/README.md)`);
  }
}

async function deployMigrations(root: string, service: DatabaseOwner, url: string): Promise<string> {
  try {
    const { stdout } = await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy', '--config', `prisma/${service}.config.ts`], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${service}'s migrations failed: ${`${stdout}\n${stderr}`.trim().split('\n').slice(-12).join('\n')}`);
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Prisma's own history table (as `prisma migrate deploy` creates it), in the service's schema. */
const historyTable = (schema: string) => `CREATE TABLE ${quote(schema)}."_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Baseline = { service: string; outcome: 'fresh' | 'kept' | 'baselined'; migrations: string[] };

/**
 * Prepares a service's schema for `prisma migrate deploy` with its own history (<schema>._prisma_migrations), and
 * upgrades a database migrated by the combined history of every service (public._prisma_migrations, before the split)
 * in place: the service's history table is created holding each of its migrations that the combined history applied
 * (same name, the service's part of that migration), so that Prisma applies only the ones after them. Nothing is
 * copied or rewritten; the combined history stays as it was, for the record.
 *
 * - 'kept': the service has its own history already; Prisma carries on from it.
 * - 'fresh': no history at all (a new database); Prisma creates the table and applies every migration.
 * - 'baselined': the history was just made from the combined one; `migrations` lists what it marked applied.
 *
 * The schema itself is created if missing: Prisma puts its history table on the search_path, which is the schema.
 */
export async function baselineHistory(url: string, schema: string, migrationsDir: string): Promise<Baseline> {
  const client = new pg.Client({ connectionString: url, application_name: 'trading-migrate' });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Two migrations of the same database at once: the second waits here, then finds the history made.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`trading.baseline.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
    const [tables] = (
      await client.query<{ own: string | null; combined: string | null }>(
        `SELECT to_regclass($1) AS own, to_regclass('public._prisma_migrations') AS combined`,
        [`${quote(schema)}."_prisma_migrations"`],
      )
    ).rows;
    if (tables?.own || !tables?.combined) {
      await client.query('COMMIT');
      return { service: schema, outcome: tables?.own ? 'kept' : 'fresh', migrations: [] };
    }
    const combined = (
      await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; started_at: Date }>(
        'SELECT migration_name, finished_at, rolled_back_at, started_at FROM public._prisma_migrations ORDER BY started_at',
      )
    ).rows;
    const failed = combined.filter((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed.length > 0) {
      throw new Error(
        `the combined migration history has an unfinished migration (${failed.map((r) => r.migration_name).join(', ')}): resolve it with the previous version before upgrading`,
      );
    }
    const applied = new Map(combined.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]));
    await client.query(historyTable(schema));
    const marked: string[] = [];
    for (const name of migrationNames(migrationsDir)) {
      const row = applied.get(name);
      if (!row) continue;
      const checksum = createHash('sha256')
        .update(readFileSync(join(migrationsDir, name, 'migration.sql')))
        .digest('hex');
      await client.query(
        `INSERT INTO ${quote(schema)}."_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, $5, $6, 1)`,
        [randomUUID(), checksum, row.finished_at, name, 'baselined from public._prisma_migrations (the combined history)', row.started_at],
      );
      marked.push(name);
    }
    await client.query('COMMIT');
    return { service: schema, outcome: 'baselined', migrations: marked };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** The migration directories of a service, in the order Prisma applies them (by name). */
export function migrationNames(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

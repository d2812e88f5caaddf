import pg from 'pg';
import { connectionFor, redacted } from './connection.ts';
import { OpsError } from '../opsError.ts';

/*
 * What a restore asks of the server about its target database, through `adminUrl` (the maintenance database
 * `postgres`, same server and credentials) or the target itself.
 */

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQLSTATE 55006 object_in_use: a database with sessions cannot be renamed or dropped. */
const OBJECT_IN_USE = '55006';

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'trading-restore' });
  await client.connect().catch((err: Error) => {
    throw new OpsError('BACKUP_DATABASE_UNREACHABLE', `${redacted(url)} (${err.message})`, { cause: err });
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const databaseExists = (adminUrl: string, name: string): Promise<boolean> =>
  withClient(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

export const createDatabase = (adminUrl: string, name: string): Promise<void> =>
  withClient(adminUrl, async (c) => void (await c.query(`CREATE DATABASE ${quote(name)}`)));

export const dropDatabase = (adminUrl: string, name: string): Promise<void> =>
  withClient(adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${quote(name)}`)));

/** The tables, views and sequences outside PostgreSQL's own schemas: what a restore would collide with. */
export const userRelations = (url: string): Promise<string[]> =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  });

/** Who else is connected to database `name`, by application name. */
export const otherSessions = (adminUrl: string, name: string): Promise<string[]> =>
  withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ who: string }>(
      `SELECT coalesce(nullif(application_name, ''), usename, '?') || ' (pid ' || pid || ')' AS who
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY 1`,
      [name],
    );
    return rows.map((r) => r.who);
  });

/** In one transaction: `target` becomes `keptAs`, and `replacement` becomes `target`. */
export const swapDatabases = (adminUrl: string, target: string, replacement: string, keptAs: string): Promise<void> =>
  withClient(adminUrl, async (c) => {
    try {
      await c.query('BEGIN');
      await c.query(`ALTER DATABASE ${quote(target)} RENAME TO ${quote(keptAs)}`);
      await c.query(`ALTER DATABASE ${quote(replacement)} RENAME TO ${quote(target)}`);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string }).code === OBJECT_IN_USE) throw inUse(target, ['a session that connected meanwhile']);
      throw err;
    }
  });

export const inUse = (name: string, sessions: readonly string[]): OpsError =>
  new OpsError('RESTORE_TARGET_IN_USE', `${sessions.join(', ')} on ${name}; stop the services (and close other sessions) first`);

/** The database a URL names. */
export const databaseName = (url: string): string => connectionFor(url).database;

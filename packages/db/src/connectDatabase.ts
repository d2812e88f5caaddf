import { UnreachableError } from '@trading/platform';
import { createDatabase, type Database, type DatabaseOptions } from './database.ts';

/** Creates the client and checks PostgreSQL answers, failing at start with one line that says how to fix it. */
export async function connectDatabase(options: DatabaseOptions): Promise<Database> {
  const db = createDatabase(options);
  try {
    await db.$queryRawUnsafe('SELECT 1');
  } catch (err) {
    await db.$disconnect().catch(() => undefined);
    const url = new URL(options.url);
    throw new UnreachableError(
      `cannot reach PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname} (${(err as Error).message.split('\n')[0]}); ` +
        'start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL',
    );
  }
  return db;
}

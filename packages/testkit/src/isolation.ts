import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { devBrokerPassword, keptBrokerPasswords, provisionBroker, rabbitmqctl, serviceBrokerUrl } from '@trading/bus';
import type { ServiceName } from '@trading/contracts';
import { provisionDatabaseRoles } from '@trading/db';
import pg from 'pg';

export { rabbitmqctl };

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

export type TestEnv = {
  /** Unique per test run: names the database and the vhost. */
  runId: string;
  databaseUrl: string;
  /** The vhost as the broker's admin (guest), for a test's own setup and inspection; services get serviceAmqpUrl. */
  amqpUrl: string;
  vhost: string;
  database: string;
};

const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const AMQP_BASE = process.env.TEST_AMQP_BASE_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The services' broker passwords in tests: BROKER_PASSWORD_<SERVICE> if set, else those this checkout's `npm start`
 * kept, else the documented development ones. Broker users are global, so every run sets the same passwords and never
 * breaks another run's connections, nor a running stack's of this checkout.
 */
export const testBrokerPasswords = keptBrokerPasswords(`${ROOT}.tmp/broker-passwords.json`, process.env, devBrokerPassword, false);

/** Runs older than this are abandoned (a killed test process); the next run removes what they left. */
const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

/**
 * Creates a database (migrated with the project's own migrations, its services' runtime roles granted their schemas) and
 * a RabbitMQ vhost for this run only, provisioned as `npm start` provisions its own: the service users with their
 * permissions, and the whole topology.
 */
export async function createTestEnv(): Promise<TestEnv> {
  await removeStaleEnvs();
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `trading_test_${runId}`;
  const vhost = `test_${runId}`;
  const databaseUrl = withDatabase(ADMIN_DATABASE_URL, database);
  await adminQuery(`CREATE DATABASE "${database}"`);
  await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
  await provisionDatabaseRoles(databaseUrl);
  const amqpUrl = `${AMQP_BASE}/${encodeURIComponent(vhost)}`;
  await provisionBroker(amqpUrl, testBrokerPasswords);
  return { runId, database, databaseUrl, vhost, amqpUrl };
}

/** The run's vhost as a service's own broker user, with the permissions `npm start` gives it. */
export function serviceAmqpUrl(env: Pick<TestEnv, 'amqpUrl'>, service: ServiceName): string {
  return serviceBrokerUrl(env.amqpUrl, service, testBrokerPasswords);
}

export async function destroyTestEnv(env: TestEnv): Promise<void> {
  await rabbitmqctl('delete_vhost', env.vhost).catch(() => undefined);
  await adminQuery(`DROP DATABASE IF EXISTS "${env.database}" WITH (FORCE)`);
}

async function removeStaleEnvs(): Promise<void> {
  const isStale = (name: string) => {
    const started = Number.parseInt(/_test_([0-9a-z]+)_|^test_([0-9a-z]+)_/.exec(name)?.slice(1).find(Boolean) ?? '', 36);
    return Number.isFinite(started) && Date.now() - started > STALE_AFTER_MS;
  };
  const databases = await adminQuery<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'trading\\_test\\_%'`);
  for (const { datname } of databases.filter((d) => isStale(d.datname))) await adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  const vhosts = (await rabbitmqctl('list_vhosts', '--no-table-headers')).split('\n').map((v) => v.trim());
  for (const vhost of vhosts.filter((v) => v.startsWith('test_') && isStale(v))) await rabbitmqctl('delete_vhost', vhost);
}

async function adminQuery<T extends pg.QueryResultRow = never>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

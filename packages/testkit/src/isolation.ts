import { randomBytes } from 'node:crypto';
import { devBrokerPassword, keptBrokerPasswords, provisionBroker, rabbitmqctl, serviceBrokerUrl } from '@trading/bus';
import type { ServiceName } from '@trading/contracts';
import { migrateServiceDatabases } from '@trading/db';
import { type DatabaseOwner, databaseOwners } from '@trading/platform';
import pg from 'pg';

export { rabbitmqctl };

const ROOT = new URL('../../../', import.meta.url).pathname;

export type TestEnv = {
  /** Unique per test run: names the database and the vhost. */
  runId: string;
  /** The run's database: every service's, or, when split, the first (Payment's), where the gateway's health probe goes. */
  databaseUrl: string;
  /** Each service's database, as the migration role: databaseUrl four times, or four databases when split. */
  databaseUrls: Record<DatabaseOwner, string>;
  /** Every database the run created (one, or one per service when split). */
  databases: string[];
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

export type TestEnvOptions = {
  /**
   * 'one' (the default): one database holds every service's schema, as `npm start` runs by default. 'split': one
   * database per service (trading_test_<run>_payment, …), each holding only its service's schema, as with
   * PAYMENT_DATABASE_URL, TRADE_DATABASE_URL, … set; startStack then gives each service its own.
   */
  databases?: 'one' | 'split';
};

/**
 * Creates the run's database, or one per service (migrated by `pnpm migrate`'s own code, the runtime roles granted their
 * schemas), and a RabbitMQ vhost for this run only, provisioned as `npm start` provisions its own: the service users
 * with their permissions, and the whole topology.
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  await removeStaleEnvs();
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = `trading_test_${runId}`;
  const split = options.databases === 'split';
  const databaseUrls = Object.fromEntries(
    databaseOwners.map((service) => [service, withDatabase(ADMIN_DATABASE_URL, split ? `${base}_${service}` : base)]),
  ) as Record<DatabaseOwner, string>;
  const databases = split ? databaseOwners.map((service) => `${base}_${service}`) : [base];
  const vhost = `test_${runId}`;
  for (const database of databases) await adminQuery(`CREATE DATABASE "${database}"`);
  await migrateServiceDatabases({ root: ROOT, urls: databaseUrls });
  const amqpUrl = `${AMQP_BASE}/${encodeURIComponent(vhost)}`;
  await provisionBroker(amqpUrl, testBrokerPasswords);
  return { runId, database: databases[0]!, databases, databaseUrl: databaseUrls.payment, databaseUrls, vhost, amqpUrl };
}

/** The run's vhost as a service's own broker user, with the permissions `npm start` gives it. */
export function serviceAmqpUrl(env: Pick<TestEnv, 'amqpUrl'>, service: ServiceName): string {
  return serviceBrokerUrl(env.amqpUrl, service, testBrokerPasswords);
}

export async function destroyTestEnv(env: TestEnv): Promise<void> {
  await rabbitmqctl('delete_vhost', env.vhost).catch(() => undefined);
  for (const database of env.databases) await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
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

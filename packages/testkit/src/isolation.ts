import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;

export type TestEnv = {
  /** Unique per test run: names the database and the vhost. */
  runId: string;
  databaseUrl: string;
  amqpUrl: string;
  vhost: string;
  database: string;
};

const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const AMQP_BASE = process.env.TEST_AMQP_BASE_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Creates a database (migrated with the project's own migrations) and a RabbitMQ vhost for this run only. */
export async function createTestEnv(): Promise<TestEnv> {
  const runId = randomBytes(4).toString('hex');
  const database = `trading_test_${runId}`;
  const vhost = `test-${runId}`;
  const databaseUrl = withDatabase(ADMIN_DATABASE_URL, database);
  await adminQuery(`CREATE DATABASE "${database}"`);
  await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  return { runId, database, databaseUrl, vhost, amqpUrl: `${AMQP_BASE}/${encodeURIComponent(vhost)}` };
}

export async function destroyTestEnv(env: TestEnv): Promise<void> {
  await rabbitmqctl('delete_vhost', env.vhost).catch(() => undefined);
  await adminQuery(`DROP DATABASE IF EXISTS "${env.database}" WITH (FORCE)`);
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['--quiet', ...args], { timeout: 60_000 });
  return stdout;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

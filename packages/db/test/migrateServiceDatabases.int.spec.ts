import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { testEnv } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { migrateServiceDatabases } from '../src/index.ts';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
/** The last commit with the combined history (prisma/migrations, public._prisma_migrations), before the split per service. */
const COMBINED_HISTORY_COMMIT = '6bc872b';
const SERVICES = ['payment', 'trade', 'reporting', 'market'] as const;
const USER = '11111111-2222-4333-8444-555555555555';

async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const withDatabase = (url: string, database: string) => Object.assign(new URL(url), { pathname: `/${database}` }).toString();

/** The combined history as it was released, applied by the Prisma config of that release: a database from before the split. */
async function migrateWithCombinedHistory(url: string): Promise<void> {
  const dir = `${ROOT}.tmp/combined-history-${COMBINED_HISTORY_COMMIT}/`;
  if (!existsSync(`${dir}prisma.config.ts`)) {
    mkdirSync(dir, { recursive: true });
    await run('bash', ['-o', 'pipefail', '-c', `git archive ${COMBINED_HISTORY_COMMIT} prisma prisma.config.ts | tar -x -C "${dir}"`], { cwd: ROOT });
    if (!existsSync(`${dir}node_modules`)) symlinkSync(`${ROOT}node_modules`, `${dir}node_modules`);
  }
  await run(process.execPath, [`${ROOT}node_modules/prisma/build/index.js`, 'migrate', 'deploy'], { cwd: dir, env: { ...process.env, DATABASE_URL: url } });
}

/** A schema's definition as pg_dump prints it, without its history table (its rows differ) and pg_dump's random keys. */
async function schemaDefinition(url: string, schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', `--schema=${schema}`, `--exclude-table=${schema}._prisma_migrations`, url], {
    maxBuffer: 16 << 20,
  });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--') && !/^\\(un)?restrict /.test(line))
    .join('\n');
}

describe('pnpm migrate on a database of the combined history (before the split per service)', function () {
  this.timeout(600_000);
  const url = () => withDatabase(testEnv().databaseUrl, `${testEnv().database}_combined`);
  const urls = () => Object.fromEntries(SERVICES.map((s) => [s, url()])) as Record<(typeof SERVICES)[number], string>;

  before(async () => {
    await sql(testEnv().databaseUrl, `CREATE DATABASE "${testEnv().database}_combined"`);
    await migrateWithCombinedHistory(url());
    await sql(url(), `INSERT INTO payment.account (user_id, available) VALUES ($1, 250.5)`, [USER]);
    await sql(url(), `INSERT INTO payment.ledger (user_id, kind, available_delta, reserved_delta) VALUES ($1, 'DEPOSIT', 250.5, 0)`, [USER]);
    await sql(url(), `INSERT INTO trade.audit (actor, action, at) VALUES ('operator', 'HALT', now())`);
  });
  after(async () => {
    await sql(testEnv().databaseUrl, `DROP DATABASE IF EXISTS "${testEnv().database}_combined" WITH (FORCE)`);
  });

  it("upgrades it in place: each service's history is made from the combined one, and only the migrations after it run", async () => {
    const results = await migrateServiceDatabases({ root: ROOT, urls: urls() });
    expect(results.map((r) => [r.service, r.outcome])).to.deep.equal(SERVICES.map((s) => [s, 'baselined']));
    const combined = (await sql<{ migration_name: string }>(url(), 'SELECT migration_name FROM public._prisma_migrations')).map((r) => r.migration_name);
    for (const { service, migrations } of results) {
      expect(migrations.length, service).to.be.greaterThan(0);
      expect(combined, service).to.include.members(migrations);
      const history = await sql<{ migration_name: string; finished_at: Date | null }>(
        url(),
        `SELECT migration_name, finished_at FROM "${service}"._prisma_migrations`,
      );
      expect(
        history.every((h) => h.finished_at !== null),
        service,
      ).to.equal(true);
    }
  });

  it('keeps every row, and the ledger and the audit trails append-only', async () => {
    expect(await sql(url(), 'SELECT available::text FROM payment.account WHERE user_id = $1', [USER])).to.deep.equal([{ available: '250.50000000' }]);
    expect(await sql(url(), 'SELECT count(*)::int AS n FROM payment.ledger WHERE user_id = $1', [USER])).to.deep.equal([{ n: 1 }]);
    const refused = (statement: string) =>
      sql(url(), statement).then(
        () => 'done',
        (err: Error) => err.message,
      );
    expect(await refused('DELETE FROM payment.ledger')).to.match(/append-only/);
    expect(await refused('UPDATE trade.audit SET actor = actor')).to.match(/trade\.audit is append-only/);
  });

  it('ends with each schema defined exactly as a new database migrated per service, and nothing shared left in public', async () => {
    for (const service of SERVICES) {
      expect(await schemaDefinition(url(), service), service).to.equal(await schemaDefinition(testEnv().databaseUrl, service));
    }
    expect(await sql(url(), `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace`)).to.deep.equal([]);
  });

  it('is a no-op when run again: every service keeps its history and has nothing pending', async () => {
    const results = await migrateServiceDatabases({ root: ROOT, urls: urls() });
    expect(results.map((r) => r.outcome)).to.deep.equal(['kept', 'kept', 'kept', 'kept']);
    for (const { service, output } of results) expect(output, service).to.match(/No pending migrations/);
  });
});

describe('pnpm migrate on a database whose combined history has a failed migration', function () {
  this.timeout(60_000);
  const url = () => withDatabase(testEnv().databaseUrl, `${testEnv().database}_failed`);

  before(async () => {
    await sql(testEnv().databaseUrl, `CREATE DATABASE "${testEnv().database}_failed"`);
    await sql(
      url(),
      `CREATE TABLE public._prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
         migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
    );
    await sql(
      url(),
      `INSERT INTO public._prisma_migrations (id, checksum, finished_at, migration_name) VALUES ('a', 'x', now(), '0001_init'), ('b', 'y', NULL, '0002_payment_constraints')`,
    );
  });
  after(async () => {
    await sql(testEnv().databaseUrl, `DROP DATABASE IF EXISTS "${testEnv().database}_failed" WITH (FORCE)`);
  });

  it('refuses to upgrade it, naming the migration, and records no history of its own', async () => {
    const urls = Object.fromEntries(SERVICES.map((s) => [s, url()])) as Record<(typeof SERVICES)[number], string>;
    const failure = await migrateServiceDatabases({ root: ROOT, urls }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).to.match(/unfinished migration \(0002_payment_constraints\)/);
    expect(await sql(url(), `SELECT to_regclass('payment._prisma_migrations')::text AS own`)).to.deep.equal([{ own: null }]);
  });
});

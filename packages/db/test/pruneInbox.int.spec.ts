import { randomUUID } from 'node:crypto';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { createDatabase, type Database } from '../src/database.ts';
import { pruneInbox } from '../src/pruneInbox.ts';
import type { SqlClient } from '../src/sql.ts';
import { startInboxPruning } from '../src/startInboxPruning.ts';

const retention = { retentionHours: 168, batch: 10 };

describe('the inbox keeps a key for the retention window (PostgreSQL)', function () {
  this.timeout(20_000);
  let db: Database;
  let prefix: string;

  /** Claims keys `<prefix>:<name>`, each claimed `ageHours` ago. */
  const claim = async (names: readonly string[], ageHours: number[] | number) => {
    const ages = names.map((_, i) => (Array.isArray(ageHours) ? ageHours[i]! : ageHours));
    await db.$executeRawUnsafe(
      `INSERT INTO trade.inbox (key, request_hash, response, created_at)
       SELECT $1 || ':' || name, 'h', '"answered"'::jsonb, now() - make_interval(hours => age)
       FROM unnest($2::text[], $3::int[]) AS claim(name, age)`,
      prefix,
      names,
      ages,
    );
  };
  const kept = async (): Promise<string[]> => {
    const rows = await db.$queryRawUnsafe<{ key: string }[]>(`SELECT key FROM trade.inbox WHERE key LIKE $1 || ':%' ORDER BY key`, prefix);
    return rows.map((row) => row.key.slice(prefix.length + 1));
  };
  const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `k${String(from + i).padStart(3, '0')}`);

  before(() => {
    db = createDatabase({ url: testEnv().databaseUrl, poolMax: 2 });
  });
  beforeEach(() => {
    prefix = `prune-test-${randomUUID()}`;
  });
  after(async () => {
    await db?.$executeRawUnsafe(`DELETE FROM trade.inbox WHERE key LIKE 'prune-test-%'`);
    await db?.$disconnect();
  });

  it('removes the keys older than the window in statements of at most a batch, and keeps the recent ones', async () => {
    await claim(names(0, 25), 200);
    await claim(names(100, 5), [0, 1, 24, 100, 167]);
    const deletes: number[] = [];
    const counting: SqlClient = {
      $queryRawUnsafe: (query, ...values) => db.$queryRawUnsafe(query, ...values),
      $executeRawUnsafe: async (query, ...values) => {
        const removed = await db.$executeRawUnsafe(query, ...values);
        deletes.push(removed);
        return removed;
      },
    };
    const removed = await pruneInbox(counting, 'trade', retention);
    expect(removed).to.be.at.least(25);
    expect(
      deletes.every((n) => n <= retention.batch),
      `statements removed ${deletes.join(', ')}`,
    ).to.equal(true);
    expect(deletes.at(-1)).to.be.below(retention.batch);
    expect(await kept()).to.deep.equal(names(100, 5));
  });

  it('removes the oldest keys first', async () => {
    await claim(
      names(0, 15),
      Array.from({ length: 15 }, (_, i) => 1000 - i),
    );
    const stopAfterOne = AbortSignal.abort();
    await pruneInbox(db, 'trade', { retentionHours: 168, batch: 10 }, stopAfterOne);
    expect(await kept()).to.deep.equal(names(10, 5));
  });

  describe('as a background job', () => {
    it('prunes at every interval and, once stopped, runs no more', async () => {
      const job = startInboxPruning({ db, schema: 'trade', logger: createLogger('prune-test', 'silent'), retention, intervalMs: 50 });
      await claim(names(0, 3), 200);
      await waitFor(async () => ((await kept()).length === 0 ? true : undefined), 5000);
      const stopping = Date.now();
      await job.stop();
      expect(Date.now() - stopping).to.be.below(1000);
      await claim(names(10, 3), 200);
      await new Promise((r) => setTimeout(r, 300));
      expect(await kept()).to.deep.equal(names(10, 3));
    });

    it('goes on pruning after its database connection was terminated', async () => {
      const applicationName = `prune-test-${randomUUID().slice(0, 8)}`;
      const own = createDatabase({ url: testEnv().databaseUrl, poolMax: 1, applicationName });
      const job = startInboxPruning({ db: own, schema: 'trade', logger: createLogger('prune-test', 'silent'), retention, intervalMs: 50 });
      try {
        await claim(names(0, 3), 200);
        await waitFor(async () => ((await kept()).length === 0 ? true : undefined), 5000);
        await db.$queryRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, applicationName);
        await claim(names(10, 3), 200);
        await waitFor(async () => ((await kept()).length === 0 ? true : undefined), 5000);
      } finally {
        await job.stop();
        await own.$disconnect();
      }
    });

    it('logs a round that fails and tries again at the next interval', async () => {
      const lines: { level: number; msg: string }[] = [];
      const logger = createLogger('prune-test', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
      const unreachable = createDatabase({ url: 'postgresql://postgres@127.0.0.1:1/nothing', poolMax: 1 });
      const job = startInboxPruning({ db: unreachable, schema: 'trade', logger, retention, intervalMs: 50 });
      try {
        await waitFor(() => (lines.filter((l) => l.msg.startsWith('inbox pruning failed')).length >= 2 ? true : undefined), 5000);
        expect(lines.every((l) => l.level === 40)).to.equal(true);
      } finally {
        await job.stop();
        await unreachable.$disconnect();
      }
    });
  });
});

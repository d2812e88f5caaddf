import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectDatabase, type DbLogger } from '@trading/db';
import { concurrently } from './concurrently.ts';

export type DatabaseBaseline = { transactions: number; tx_per_s: number };

/** Rows the updates spread over, like users' accounts: enough that concurrent transactions rarely wait on one row. */
const ROWS = 1000;

/**
 * PostgreSQL's rate for one-row UPDATE transactions (BEGIN, UPDATE, COMMIT: an interactive transaction, as the
 * services run them) through the project's own database client, `DB_POOL_MAX` at once. The table lives in a
 * throwaway schema (bench_<hex>) dropped afterwards.
 */
export async function measureDatabase(options: { url: string; poolMax: number; logger: DbLogger; transactions: number }): Promise<DatabaseBaseline> {
  const db = await connectDatabase({ url: options.url, poolMax: options.poolMax, logger: options.logger, applicationName: 'trading-bench-baseline' });
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  try {
    await db.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
    await db.$executeRawUnsafe(`CREATE TABLE ${schema}.counter (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
    await db.$executeRawUnsafe(`INSERT INTO ${schema}.counter (id) SELECT generate_series(1, ${ROWS})`);
    const update = `UPDATE ${schema}.counter SET n = n + 1 WHERE id = $1`;
    const started = performance.now();
    await concurrently(options.transactions, options.poolMax, (i) => db.$transaction((tx) => tx.$executeRawUnsafe(update, (i % ROWS) + 1)));
    const seconds = (performance.now() - started) / 1000;
    return { transactions: options.transactions, tx_per_s: Math.round(options.transactions / seconds) };
  } finally {
    await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.$disconnect();
  }
}

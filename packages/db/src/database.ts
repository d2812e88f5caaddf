import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { trackCommit } from './afterCommit.ts';
import { type DbLogger, prismaClientOn } from './client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { SqlClient } from './sql.ts';

/**
 * A service's database: SQL on node-postgres for the message-handling paths, and a typed Prisma Client on the
 * same connection pool for reads where the query builder helps. The hot paths bypass Prisma Client because
 * its interactive transactions cost far more client CPU than the same statements on node-postgres
 * (docs/bench-log.md, the second round); statements are prepared once per connection.
 */
export type Database = SqlClient & {
  /** Runs `fn` in one transaction: commits what it returns, rolls back what it throws. */
  $transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  prisma: PrismaClient;
  $disconnect(): Promise<void>;
};

export type DatabaseOptions = {
  /** PostgreSQL connection string, e.g. postgresql://postgres@127.0.0.1:5432/trading. */
  url: string;
  /** Most connections in the pool (pg's default: 10). */
  poolMax?: number;
  /** Receives errors of idle pool connections; query errors are thrown to the caller. */
  logger?: DbLogger;
  /** Who the connections belong to, as `pg_stat_activity.application_name` shows it (e.g. `trading-trade`). */
  applicationName?: string;
  /** PostgreSQL cancels any statement of this pool running longer (SQLSTATE 57014); none by default. */
  statementTimeoutMs?: number;
};

/** Distinct statement texts prepared per connection; rarer texts (e.g. a LIMIT spelled into the text) run unnamed. */
const MAX_PREPARED = 200;

export function createDatabase({ url, poolMax, logger, applicationName, statementTimeoutMs }: DatabaseOptions): Database {
  // keepAlive: a connection whose peer vanished without a reset is found out by TCP instead of hanging forever.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: applicationName,
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
  });
  pool.on('error', (err) => logger?.error({ err }, 'idle PostgreSQL connection failed'));
  const names = new Map<string, string>();

  function statement(text: string, values: unknown[]): pg.QueryConfig {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) names.set(text, (name = `trading_${names.size}`));
    return name === undefined ? { text, values } : { name, text, values };
  }

  const on = (query: (config: pg.QueryConfig) => Promise<pg.QueryResult>): SqlClient => ({
    $queryRawUnsafe: async <T>(text: string, ...values: unknown[]) => (await query(statement(text, values))).rows as T,
    $executeRawUnsafe: async (text: string, ...values: unknown[]) => (await query(statement(text, values))).rowCount ?? 0,
  });

  /** A connection runs one statement at a time: the statements of a transaction's concurrent callers queue here. */
  function inTurn(client: pg.PoolClient): (config: pg.QueryConfig) => Promise<pg.QueryResult> {
    let last: Promise<unknown> = Promise.resolve();
    return (config) => {
      const result = last.then(() => client.query(config));
      last = result.catch(() => undefined);
      return result;
    };
  }

  async function $transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A checked-out client has no pool listener: without this one, a connection that dies mid-transaction would
    // crash the process. A dead connection is destroyed on release instead of returning to the pool.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    // BEGIN, COMMIT and ROLLBACK queue behind the callers' statements: none can run after the transaction ended.
    const query = inTurn(client);
    const tx = on(query);
    const committed = trackCommit(tx);
    try {
      await query({ text: 'BEGIN' });
      const result = await fn(tx);
      await query({ text: 'COMMIT' });
      committed();
      return result;
    } catch (err) {
      if (!broken) await query({ text: 'ROLLBACK' }).catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken ?? false);
    }
  }

  // The pool's own error listener (above) reports idle connections' errors; Prisma adds only its warnings.
  const prisma = prismaClientOn(new PrismaPg(pool), logger);
  return {
    ...on((config) => pool.query(config)),
    $transaction,
    prisma,
    async $disconnect() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

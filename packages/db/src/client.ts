import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

/** The part of a pino logger that the database client reports to. */
export interface DbLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CreatePrismaClientOptions {
  /** PostgreSQL connection string, e.g. postgresql://postgres@127.0.0.1:5432/trading. */
  url: string;
  /** Most connections in the pg pool (pg's default: 10). */
  poolMax?: number;
  /**
   * Receives Prisma's warnings and errors of idle pool connections. Query errors are
   * not logged here: they are thrown to the caller (an inbox expects P2002, say).
   */
  logger?: DbLogger;
}

/**
 * A PrismaClient running on the JavaScript query compiler over node-postgres:
 * no native engine is loaded (see prisma/README.md).
 */
export function createPrismaClient({ url, poolMax, logger }: CreatePrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000 },
    { onPoolError: (err) => logger?.error({ err }, 'idle PostgreSQL connection failed') },
  );
  return prismaClientOn(adapter, logger);
}

/** A PrismaClient over `adapter` whose warnings go to `logger`. */
export function prismaClientOn(adapter: PrismaPg, logger?: DbLogger): PrismaClient {
  if (!logger) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'warn' }] });
  client.$on('warn', (event) => logger.warn({ target: event.target }, event.message));
  return client;
}

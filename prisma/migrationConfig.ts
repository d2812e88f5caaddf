import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

/** The services whose databases have migrations: each owns one PostgreSQL schema, named after it. */
export type MigratedService = 'payment' | 'trade' | 'reporting' | 'market';

// Zero-env default; schema.prisma reads it through env("DATABASE_URL"). `pnpm migrate` sets it to the service's database.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/trading';
// Prisma 6 falls back to its native query engine (and downloads it) whenever it cannot
// read the schema, e.g. on a syntax error. An existing file here turns that download
// into the real schema error; the file is never loaded (engineType = "client").
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= fileURLToPath(import.meta.url);
// No update check / telemetry call: the machines are offline.
process.env.CHECKPOINT_DISABLE ??= '1';

const inPrisma = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Prisma config of one service's migrations (prisma/<service>.config.ts): its own directory,
 * prisma/<service>/migrations, and its own history table, <service>._prisma_migrations, which the engine creates on
 * the connection's search_path (the service's schema), so that its database needs nothing outside the service's
 * schema. `pnpm migrate` runs `prisma migrate deploy` with each.
 */
export function migrationConfig(service: MigratedService) {
  return defineConfig({
    schema: inPrisma(`./${service}/schema.prisma`),
    migrations: { path: inPrisma(`./${service}/migrations`) },
    // The CLI runs its WebAssembly schema engine over this driver adapter: no native binary.
    engine: 'js',
    experimental: { adapter: true },
    async adapter() {
      // The CLI never closes this pool: allowExitOnIdle lets it exit without waiting for pg's 10 s idle timeout.
      const factory = new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true, options: `-c search_path=${service}` });
      return withServiceLock(factory, service);
    },
  });
}

/** Prisma's migration lock: one advisory lock per database, whatever the history, held until the CLI exits. */
const PRISMA_LOCK = /pg_advisory_(un)?lock\(72707369\)/g;

/**
 * The adapter with Prisma's migration lock replaced by the service's own (trading.migrate.<service>): two deploys of
 * one service still never run at once, while the four services' deploys into one database run side by side instead of
 * queueing on the one lock and giving up after its 10 s (prisma/README.md).
 */
function withServiceLock(factory: PrismaPg, service: MigratedService) {
  const own = (sql: string) =>
    sql.replace(PRISMA_LOCK, (_match, un: string | undefined) => `pg_advisory_${un ?? ''}lock(hashtext('trading.migrate.${service}'))`);
  const wrap = <A extends object>(adapter: A): A =>
    new Proxy(adapter, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') return (query: { sql: string }) => value.call(target, { ...query, sql: own(query.sql) });
        if (property === 'executeScript') return (script: string) => value.call(target, own(script));
        return value.bind(target);
      },
    });
  return {
    provider: 'postgres' as const,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: async () => wrap(await factory.connectToShadowDb()),
  };
}

import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// The client's config (`pnpm generate`). Migrations have one config per service, prisma/<service>.config.ts, which
// `pnpm migrate` (infra/scripts/migrate.ts) runs: see prisma/README.md.
// Zero-env default; schema.prisma reads it through env("DATABASE_URL").
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/trading';
// Prisma 6 falls back to its native query engine (and downloads it) whenever it cannot
// read the schema, e.g. on a syntax error. An existing file here turns that download
// into the real schema error; the file is never loaded (engineType = "client").
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= fileURLToPath(import.meta.url);
// No update check / telemetry call: the machines are offline.
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  // The CLI runs its WebAssembly engine over this driver adapter: no native binary.
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true });
  },
});

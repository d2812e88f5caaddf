// Prepares a database for the services (docker-compose's `migrate` step): applies prisma/migrations as the migration
// role (DATABASE_URL), then provisions each service's runtime role with DB_PASSWORD_<SERVICE> (provisionDatabaseRoles).
import { execFileSync } from 'node:child_process';
import { databasePasswordsFrom, provisionDatabaseRoles } from '@trading/db';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trading';
execFileSync('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: databaseUrl } });
await provisionDatabaseRoles(databaseUrl, databasePasswordsFrom(process.env));
process.stdout.write('database migrated; service roles provisioned\n');

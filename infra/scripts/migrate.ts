// `pnpm migrate` (and docker-compose's `migrate` step): every service's migrations (prisma/<service>/migrations) into
// its own database, <SERVICE>_DATABASE_URL or else DATABASE_URL, as the migration role; a missing database is created,
// a database of the combined history is upgraded in place (baselineHistory), and each service's runtime role is
// provisioned with DB_PASSWORD_<SERVICE> (provisionDatabaseRoles).
import { databasePasswordsFrom, migrateServiceDatabases } from '@trading/db';
import { databasesConfigShape, databaseUrlsByService, loadConfig } from '@trading/platform';

const root = new URL('../../', import.meta.url).pathname;
const urls = databaseUrlsByService(loadConfig(databasesConfigShape));
const results = await migrateServiceDatabases({ root, urls, passwords: databasePasswordsFrom(process.env) });
for (const { service, outcome, migrations, output } of results) {
  const where = new URL(urls[service as keyof typeof urls]);
  const applied = /No pending migrations/.test(output)
    ? 'up to date'
    : (output.match(/have been applied:[\s\S]*/)?.[0].match(/\d{4}_\w+/g) ?? ['done']).join(', ');
  const baselined = outcome === 'baselined' ? ` (its history made from the combined one: ${migrations.length} marked applied)` : '';
  process.stdout.write(`${service.padEnd(9)} ${where.host}${where.pathname}: ${applied}${baselined}\n`);
}
process.stdout.write('databases migrated; service roles provisioned\n');

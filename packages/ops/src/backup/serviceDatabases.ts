import { databasesOf } from '@trading/db';
import { type DatabaseOwner, databaseOwners } from '@trading/platform';
import type { DumpContents } from './listTables.ts';

/**
 * With a database per service (PAYMENT_DATABASE_URL, …), `pnpm backup` dumps each database to its own file, named after
 * the services in it: `--out x.dump` gives x.payment.dump, x.trade.dump, … With one database (the default) the one file
 * is `--out` itself, as before. Pure.
 */
export function backupFiles(out: string, urls: Record<DatabaseOwner, string>): { url: string; file: string; services: DatabaseOwner[] }[] {
  const databases = [...databasesOf(urls)];
  if (databases.length === 1) return [{ url: databases[0]![0], file: out, services: databases[0]![1] }];
  const stem = out.replace(/\.dump$/, '');
  return databases.map(([url, services]) => ({ url, file: `${stem}.${services.join('+')}.dump`, services }));
}

/**
 * Where `pnpm restore <file>` goes without --into: the database of the service whose schema the dump holds, when it
 * holds one service's only; else DATABASE_URL. Pure.
 */
export function restoreTarget(contents: DumpContents, urls: Record<DatabaseOwner, string>, databaseUrl: string): string {
  const services = databaseOwners.filter((service) => contents.some((c) => c.schema === service));
  return services.length === 1 ? urls[services[0]!] : databaseUrl;
}

import type { DatabaseOwner } from '@trading/platform';

/** The distinct databases among `urls` (the same database named twice counts once), with the services in each. */
export function databasesOf(urls: Record<DatabaseOwner, string>): Map<string, DatabaseOwner[]> {
  const byDatabase = new Map<string, DatabaseOwner[]>();
  for (const [service, url] of Object.entries(urls) as [DatabaseOwner, string][]) {
    const key = databaseKey(url);
    byDatabase.set(key, [...(byDatabase.get(key) ?? []), service]);
  }
  return new Map([...byDatabase.values()].map((services) => [urls[services[0]!], services]));
}

/** Host, port and database name: two URLs that differ only in user, password or options name the same database. */
export function databaseKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${decodeURIComponent(parsed.pathname)}`;
}

/**
 * How a PostgreSQL client program is pointed at the database `url` names without its password on the command line
 * (where `ps` shows it to every user of the machine): the URL without the password as `--dbname`, and the password,
 * if any, in the child's PGPASSWORD.
 */
export type Connection = { dbname: string; env: NodeJS.ProcessEnv; database: string; host: string };

export function connectionFor(url: string): Connection {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: password ? { PGPASSWORD: password } : {},
    database: decodeURIComponent(parsed.pathname.slice(1)),
    host: parsed.host,
  };
}

/** The same server and credentials, another database: `postgres`, the maintenance database, to create or rename one. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The URL for messages: without its password. */
export function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

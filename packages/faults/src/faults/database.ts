import pg from 'pg';

/**
 * Terminates every other connection to the database of `databaseUrl` (those of every service), as a
 * PostgreSQL restart or a network cut would. Returns how many were terminated.
 */
export async function terminateDatabaseConnections(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'trading-fault-injection' });
  await client.connect();
  try {
    const { rows } = await client.query<{ terminated: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS terminated
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows[0]?.terminated ?? 0;
  } finally {
    await client.end();
  }
}

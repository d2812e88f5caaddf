import pg from 'pg';

/**
 * Transactions committed in the stack's database so far (pg_stat_database.xact_commit). The services batch
 * the messages they hold into one transaction, so what a saga costs the database depends on the load:
 * the bench counts it over the saga steps instead of assuming it.
 */
export async function readCommits(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Backends publish their counters at most once a second; wait so the last step's commits are in.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ commits: string }>('SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0]?.commits ?? 0);
  } finally {
    await client.end();
  }
}

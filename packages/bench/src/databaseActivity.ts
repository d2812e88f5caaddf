import pg from 'pg';

/** What the database has done so far: transactions committed in the stack's database, WAL written by the server. */
export type DatabaseActivity = { commits: number; walBytes: number };

/**
 * The services batch the messages they hold into one transaction, so what a saga costs the database depends
 * on the load: the bench counts it over the saga steps instead of assuming it. Commits are the stack's
 * database's (pg_stat_database.xact_commit); the WAL position is the whole server's.
 */
export async function readDatabaseActivity(url: string): Promise<DatabaseActivity> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Backends publish their counters at most once a second; wait so the last step's commits are in.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ commits: string; wal: string }>(
      `SELECT xact_commit::text AS commits, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { commits: Number(rows[0]?.commits ?? 0), walBytes: Number(rows[0]?.wal ?? 0) };
  } finally {
    await client.end();
  }
}

/** Commits and WAL bytes per saga, rounded for the summary. */
export function perSaga(activity: DatabaseActivity, sagas: number): DatabaseActivity {
  return { commits: Math.round((activity.commits / sagas) * 100) / 100, walBytes: Math.round(activity.walBytes / sagas) };
}

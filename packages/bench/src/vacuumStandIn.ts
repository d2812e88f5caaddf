import pg from 'pg';

/**
 * Stands in for autovacuum where the server runs without it (`autovacuum = off`, as on the machine BENCHMARKS.md
 * was measured on): vacuums the stack's database before a step, as pgbench vacuums before it measures. Under
 * load the outbox and inbox tables leave thousands of dead rows a second; unvacuumed, they bloat and every later
 * step pays for the earlier ones. Answers whether it vacuumed; a database it cannot reach is left alone.
 */
export async function vacuumIfAutovacuumOff(url: string): Promise<'vacuumed' | 'autovacuum on' | 'unreachable'> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    if (rows[0]?.autovacuum !== 'off') return 'autovacuum on';
    await client.query('VACUUM');
    return 'vacuumed';
  } catch {
    return 'unreachable';
  } finally {
    await client.end().catch(() => undefined);
  }
}

import pg from 'pg';

/** The tables whose size grows with the traffic ever sent unless something keeps them bounded (issue 21). */
const TABLES = ['payment.inbox', 'payment.outbox', 'trade.inbox', 'trade.outbox', 'trade.saga_waiter'] as const;

/**
 * Each table's size on disk with its indexes and TOAST, in bytes; a partitioned table (the outboxes) counts its
 * partitions. Read as the stack's database owner, after the bench.
 */
export async function readTableSizes(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sizes: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await client.query<{ bytes: string }>(
        `SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree($1::regclass)), pg_total_relation_size($1::regclass))::text AS bytes`,
        [table],
      );
      sizes[table] = Number(rows[0]?.bytes ?? 0);
    }
    return sizes;
  } finally {
    await client.end();
  }
}

import { gauge } from '@trading/platform';
import { type ServiceSchema, type SqlClient, table } from './sql.ts';

type Backlog = { schema: ServiceSchema; messages: number; oldestSeconds: number };

/** The outboxes running in this process (createOutbox's start), read when the metrics are scraped. */
const watched = new Map<ServiceSchema, SqlClient>();
let reading: { at: number; backlogs: Promise<Backlog[]> } | undefined;

/** One read per scrape, shared by both gauges; an outbox whose database does not answer has no series this time. */
function backlogs(): Promise<Backlog[]> {
  if (reading && Date.now() - reading.at < 1000) return reading.backlogs;
  const read = Promise.all([...watched].map(([schema, db]) => readBacklog(db, schema).catch(() => []))).then((found) => found.flat());
  reading = { at: Date.now(), backlogs: read };
  return read;
}

async function readBacklog(db: SqlClient, schema: ServiceSchema): Promise<Backlog> {
  const [row] = await db.$queryRawUnsafe<{ messages: number; oldest_seconds: number }[]>(
    `SELECT count(*)::int AS messages, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest_seconds FROM ${table(schema, 'outbox')}`,
  );
  return { schema, messages: row?.messages ?? 0, oldestSeconds: row?.oldest_seconds ?? 0 };
}

gauge('trading_outbox_backlog_messages', 'Messages committed to the outbox and not yet confirmed by the broker.', ['schema'], async function () {
  this.reset();
  for (const { schema, messages } of await backlogs()) this.set({ schema }, messages);
});

gauge('trading_outbox_oldest_age_seconds', 'Age of the oldest message waiting in the outbox (0 when it is empty).', ['schema'], async function () {
  this.reset();
  for (const { schema, oldestSeconds } of await backlogs()) this.set({ schema }, oldestSeconds);
});

/** Reports this outbox's backlog on the operator port's /metrics until the returned function is called. */
export function watchOutbox(db: SqlClient, schema: ServiceSchema): () => void {
  watched.set(schema, db);
  return () => {
    if (watched.get(schema) === db) watched.delete(schema);
  };
}

import { exchanges, mergeEventBatches, type OutgoingMessage, packEvents, type Publisher, SCHEMA_VERSION_HEADER, withSchemaVersion } from '@trading/contracts';
import { type Logger, withTraceContext } from '@trading/platform';
import { watchOutbox } from './outboxMetrics.ts';
import { type ServiceSchema, type SqlClient, type Transactional, table } from './sql.ts';
import { stampTraceContext } from './stampTraceContext.ts';

type OutboxRow = {
  id: string;
  exchange: string;
  routing_key: string;
  type: string;
  body: unknown;
  correlation_id: string | null;
  reply_to: string | null;
  headers: Record<string, string | number> | null;
};

export type Outbox = ReturnType<typeof createOutbox>;

/**
 * How long confirmed rows wait to be deleted together: one DELETE (and one commit) for every message confirmed in
 * that time. Well under the sweep's minimum age, so the sweep never re-publishes a row waiting here.
 */
const DELETE_DELAY_MS = 100;

/**
 * How long the event batches of committed transactions wait to be published together, as one message: no saga
 * waits on them (only Reporting reads them), and at moderate rates most transactions hold only a few events.
 * Fewer, fuller messages leave the broker and Reporting less work per saga, so on a busy machine every saga's
 * hops wait less for a core (the figures: docs/bench-log.md, the seventh round).
 */
const EVENT_LINGER_MS = 20;

/** Most rows one sweep publishes (in one transaction). */
const SWEEP_BATCH = 500;

/** How often the outbox tries to rotate its partitions (rotateOutbox). */
const ROTATE_INTERVAL_MS = 5000;

/**
 * Transactional outbox. `add` writes messages in the caller's transaction, the domain events among them packed
 * into one EventBatch (packEvents), each with the trace context active as it is written (stampTraceContext), and
 * returns them as written; after commit `flush` publishes them (at once, but for the event batches, which wait
 * EVENT_LINGER_MS to be merged with the next transactions' into one message) and deletes each row when the broker
 * confirms it. Whatever a crash or a broker outage leaves behind is published by the sweep (at start and then every
 * `sweepIntervalMs`). Consumers deduplicate on the message id (an event's own id), so a message published twice has
 * one effect. Rows go to the current one of two partitions, and the other is truncated once drained (rotateOutbox),
 * so the table stays small without vacuum.
 */
export function createOutbox(deps: {
  db: Transactional;
  /** With `onReconnect` (the bus), the outbox sweeps at once after every reconnect. */
  bus: Publisher & { onReconnect?(listener: () => void): void };
  schema: ServiceSchema;
  logger: Logger;
  sweepIntervalMs?: number;
  rotateIntervalMs?: number;
}) {
  const { db, bus, logger } = deps;
  const outbox = table(deps.schema, 'outbox');
  const published = new Set<string>();
  /** Rows this process is publishing, or has published and not deleted yet: a sweep leaves them alone. */
  const held = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const lingering: OutgoingMessage[] = [];
  let lingerTimer: NodeJS.Timeout | undefined;
  let deleteTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let rotateTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let unwatch = () => {};

  async function add(tx: SqlClient, outgoing: readonly OutgoingMessage[]): Promise<OutgoingMessage[]> {
    const messages = packEvents(stampTraceContext(outgoing));
    if (messages.length === 0) return messages;
    await tx.$executeRawUnsafe(
      `INSERT INTO ${outbox} (slot, id, exchange, routing_key, type, body, correlation_id, reply_to, headers)
       SELECT (SELECT slot FROM ${table(deps.schema, 'outbox_slot')}), *
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::jsonb[])`,
      messages.map((m) => m.messageId),
      messages.map((m) => m.exchange),
      messages.map((m) => m.routingKey),
      messages.map((m) => m.type),
      messages.map((m) => JSON.stringify(m.body)),
      messages.map((m) => m.correlationId ?? null),
      messages.map((m) => m.replyTo ?? null),
      messages.map((m) => JSON.stringify(withSchemaVersion(m.headers))),
    );
    return messages;
  }

  function flush(messages: readonly OutgoingMessage[]): void {
    for (const message of messages) {
      if (message.exchange === exchanges.events) {
        lingering.push(message);
        // The merged batch belongs to no one transaction's trace; each of its events carries its own.
        lingerTimer ??= setTimeout(() => withTraceContext(null, publishLingering), EVENT_LINGER_MS);
      } else publish(message, [message.messageId]);
    }
  }

  /** The event batches of the transactions committed while they waited, as one message; each row is deleted on its confirm. */
  function publishLingering(): void {
    lingerTimer = undefined;
    const batches = lingering.splice(0);
    if (batches.length > 0)
      publish(
        mergeEventBatches(batches),
        batches.map((batch) => batch.messageId),
      );
  }

  function publish(message: OutgoingMessage, rowIds: readonly string[]): void {
    for (const id of rowIds) held.add(id);
    const work = bus.publish(message).then(
      () => rowIds.forEach(markPublished),
      (err: Error) => {
        for (const id of rowIds) held.delete(id);
        logger.warn({ err: err.message, messageId: message.messageId }, 'publish failed; the outbox sweep will retry');
      },
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  function markPublished(id: string): void {
    published.add(id);
    deleteTimer ??= setTimeout(() => void deletePublished(), DELETE_DELAY_MS);
  }

  async function deletePublished(): Promise<void> {
    deleteTimer = undefined;
    const ids = [...published];
    published.clear();
    try {
      await db.$executeRawUnsafe(`DELETE FROM ${outbox} WHERE id = ANY($1::uuid[])`, ids);
    } catch (err) {
      // Rows left behind are published again by the sweep; consumers deduplicate them.
      logger.warn({ err: (err as Error).message, count: ids.length }, 'could not delete published outbox rows');
    } finally {
      for (const id of ids) held.delete(id);
    }
  }

  /**
   * Publishes rows older than `minAgeMs` (rows of a crashed process, or of a failed publish), oldest first, but for
   * those this process is publishing itself (a publish waiting for the broker to come back, say): published twice,
   * they would cost the consumers a duplicate to drop. Up to SWEEP_BATCH rows; answers how many.
   */
  async function sweep(minAgeMs: number): Promise<number> {
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
        `SELECT id, exchange, routing_key, type, body, correlation_id, reply_to, headers FROM ${outbox}
         WHERE created_at < now() - make_interval(secs => $1) AND NOT (id = ANY($2::uuid[]))
         ORDER BY seq LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED`,
        minAgeMs / 1000,
        [...held],
      );
      if (rows.length === 0) return 0;
      await Promise.all(rows.map((row) => bus.publish(toMessage(row))));
      await tx.$executeRawUnsafe(
        `DELETE FROM ${outbox} WHERE id = ANY($1::uuid[])`,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  function start(): void {
    unwatch = watchOutbox(db, deps.schema);
    const interval = deps.sweepIntervalMs ?? 1000;
    const loop = async (minAgeMs: number) => {
      try {
        const count = await sweep(minAgeMs);
        if (count > 0) logger.info({ count }, 'outbox sweep published messages');
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'outbox sweep failed; will retry');
      }
      if (!stopped) sweepTimer = setTimeout(() => void loop(interval), interval);
    };
    void loop(0);
    // After a reconnect, what waited (the publishes that failed when the connection went) goes at once, every batch
    // of it, instead of at the next sweep; publishes still waiting for the connection go by themselves.
    deps.bus.onReconnect?.(() => {
      if (!stopped) void sweepAll();
    });
    const rotate = async () => {
      try {
        const rotated = await rotateOutbox(db, deps.schema);
        if (rotated !== undefined) logger.debug({ slot: rotated }, 'outbox rotated');
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'outbox rotation failed; will retry');
      }
      if (!stopped) rotateTimer = setTimeout(() => void rotate(), deps.rotateIntervalMs ?? ROTATE_INTERVAL_MS);
    };
    rotateTimer = setTimeout(() => void rotate(), deps.rotateIntervalMs ?? ROTATE_INTERVAL_MS);
  }

  /** Sweeps every row there is, batch after batch, until one comes back short. */
  async function sweepAll(): Promise<void> {
    try {
      let total = 0;
      for (let count = SWEEP_BATCH; count === SWEEP_BATCH && !stopped; total += count) count = await sweep(0);
      if (total > 0) logger.info({ count: total }, 'outbox published what waited for the broker');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'outbox sweep after reconnect failed; the periodic sweep will retry');
    }
  }

  /** Stops the sweep and waits for publishes in flight and their deletions. */
  async function stop(): Promise<void> {
    stopped = true;
    unwatch();
    clearTimeout(sweepTimer);
    clearTimeout(rotateTimer);
    clearTimeout(lingerTimer);
    publishLingering();
    await Promise.allSettled([...inFlight]);
    clearTimeout(deleteTimer);
    if (published.size > 0) await deletePublished();
  }

  return { add, flush, start, stop, sweep };
}

function toMessage(row: OutboxRow): OutgoingMessage {
  return {
    messageId: row.id,
    exchange: row.exchange,
    routingKey: row.routing_key,
    type: row.type,
    body: row.body,
    ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
    ...(row.reply_to ? { replyTo: row.reply_to } : {}),
    // A row without a schema version was written before messages carried one: version 1 (versions.ts).
    headers: { [SCHEMA_VERSION_HEADER]: 1, ...row.headers },
  };
}

/**
 * Makes the drained partition the current one, after truncating it: TRUNCATE gives its space back at once, which
 * deleting rows never does without vacuum. It happens only when every row of that partition has been published and
 * deleted, and no transaction still writes to it (one that read the slot before the last switch): the partition is
 * locked, with a short timeout, before it is checked. One instance rotates at a time (the slot row's lock); the others
 * skip. Answers the new current slot, or undefined when it did not rotate this time.
 */
export async function rotateOutbox(db: Transactional, schema: ServiceSchema): Promise<number | undefined> {
  return db.$transaction(async (tx) => {
    const [current] = await tx.$queryRawUnsafe<{ slot: number }[]>(`SELECT slot FROM ${table(schema, 'outbox_slot')} FOR UPDATE SKIP LOCKED`);
    if (!current) return undefined;
    const next = 1 - current.slot;
    const drained = table(schema, `outbox_${next}`);
    await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '200ms'`);
    try {
      await tx.$executeRawUnsafe(`LOCK TABLE ${drained} IN ACCESS EXCLUSIVE MODE`);
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') return undefined; // busy: another time
      throw err;
    }
    const [left] = await tx.$queryRawUnsafe<{ any: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM ${drained}) AS any`);
    if (left?.any) return undefined;
    await tx.$executeRawUnsafe(`TRUNCATE ${drained}`);
    await tx.$executeRawUnsafe(`UPDATE ${table(schema, 'outbox_slot')} SET slot = $1, switched_at = now()`, next);
    return next;
  });
}

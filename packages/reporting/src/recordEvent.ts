import { readEventBatch } from '@trading/bus';
import type { Delivery } from '@trading/contracts';
import { type Transactional, withDatabaseRetries } from '@trading/db';
import { extractTraceContext, withSpan } from '@trading/platform';
import { createBatcher } from '@trading/db';
import { insertEvents } from './eventStore.ts';
import { notifyStored } from './notifications.ts';
import { foldEvents } from './projection.ts';
import { applyDelta } from './projectionStore.ts';
import { sourceOf, type StoredEvent, toStoredEvent } from './storedEvent.ts';

/** Resolves, per event of the batch, whether it was new: false for a redelivered or re-published one. */
export type RecordEvents = (delivery: Delivery) => Promise<boolean[]>;

const MAX_BATCH = 500;

/**
 * Stores each domain event once and adds it to the projections, in the same transaction. Events arrive in
 * EventBatch messages from the `events` fanout (one per producer transaction); an event's id is its identity, so
 * a redelivered batch inserts nothing and changes no projection.
 *
 * The events of the batches a consumer holds at once (its prefetch), or that arrive within `lingerMs` of an idle
 * moment, are stored together (createBatcher): a handful of statements per transaction instead of per event. Each
 * delivery is acked only once all its events have committed; a transaction that fails is retried one event at a
 * time. Each event's record is a span of the trace the event was written in (its producer's transaction), and the
 * batch's consumer span links to them all (readEventBatch).
 */
export function createEventRecorder(db: Transactional, lingerMs: number): RecordEvents {
  const record = createBatcher((rows: StoredEvent[]) => store(db, rows), { maxBatch: MAX_BATCH, lingerMs });
  return (delivery) =>
    Promise.all(
      readEventBatch(delivery).map((entry) => {
        const attributes = { 'trading.event.id': entry.id, 'trading.event.type': entry.event.type, 'messaging.message.conversation_id': entry.correlation_id };
        const row = toStoredEvent(entry.id, sourceOf(entry.routing_key), entry.event);
        return withSpan(`record ${entry.event.type}`, { parent: extractTraceContext(entry), attributes }, () => record(row));
      }),
    );
}

/** One transaction for the batch; answers, per event, whether it was new. */
async function store(db: Transactional, batch: StoredEvent[]): Promise<boolean[]> {
  const unique = [...new Map(batch.map((row) => [row.id, row])).values()];
  const stored = await withDatabaseRetries(() =>
    db.$transaction(async (tx) => {
      const seqs = await insertEvents(tx, unique);
      const fresh = unique.filter((row) => seqs.has(row.id));
      if (fresh.length === 0) return seqs;
      await applyDelta(tx, foldEvents(fresh.map((row) => row.payload)));
      await notifyStored(
        tx,
        fresh.map((row) => seqs.get(row.id)!),
      );
      return seqs;
    }),
  );
  const counted = new Set<string>();
  return batch.map((row) => {
    const isNew = stored.has(row.id) && !counted.has(row.id);
    counted.add(row.id);
    return isNew;
  });
}

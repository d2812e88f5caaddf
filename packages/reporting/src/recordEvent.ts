import { type Delivery, PoisonMessageError } from '@trading/bus';
import { domainEvent } from '@trading/contracts';
import { type Transactional, withDatabaseRetries } from '@trading/db';
import { createBatcher } from '@trading/platform';
import { z } from 'zod';
import { insertEvents } from './eventStore.ts';
import { notifyStored } from './notifications.ts';
import { foldEvents } from './projection.ts';
import { applyDelta } from './projectionStore.ts';
import { sourceOf, type StoredEvent, toStoredEvent } from './storedEvent.ts';

/** Resolves whether the event was new: false for a redelivered or re-published one. */
export type RecordEvent = (delivery: Delivery) => Promise<boolean>;

const eventId = z.uuid();
const MAX_BATCH = 200;

/**
 * Stores each domain event once and adds it to the projections, in the same transaction. The event id is the
 * AMQP messageId, so a redelivered event inserts nothing and changes no projection.
 *
 * The deliveries a consumer holds at once (its prefetch) are stored together (createBatcher): a busy queue costs
 * a handful of statements per batch instead of per event. Each delivery is acked only once its batch has
 * committed; a batch that fails is retried one event at a time, so one bad event cannot take its neighbours to
 * the dead-letter queue.
 */
export function createEventRecorder(db: Transactional): RecordEvent {
  const record = createBatcher((rows: StoredEvent[]) => store(db, rows), { maxBatch: MAX_BATCH });
  return (delivery) => record(toRow(delivery));
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
      await notifyStored(tx, fresh.map((row) => seqs.get(row.id)!));
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

function toRow(delivery: Delivery): StoredEvent {
  const id = eventId.safeParse(delivery.messageId);
  if (!id.success) throw new PoisonMessageError('an event needs a uuid messageId: it is the event id');
  const parsed = domainEvent.safeParse(delivery.body);
  if (!parsed.success) throw new PoisonMessageError(`not a domain event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return toStoredEvent(id.data, sourceOf(delivery.routingKey), parsed.data);
}

import { domainEvent } from '@trading/contracts';
import { PoisonMessageError, type Delivery } from '@trading/bus';
import { retryOnConflict, type SqlClient } from '@trading/db';
import { z } from 'zod';
import { insertEvent } from './eventStore.ts';
import { notifyUpdate } from './notifications.ts';
import { foldEvents } from './projection.ts';
import { applyDelta } from './projectionStore.ts';
import { sourceOf, toEventView, toStoredEvent } from './storedEvent.ts';

export type Transactional = { $transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> };

const eventId = z.uuid();

/**
 * Stores a domain event and adds it to the projections in one transaction. The event id is the AMQP
 * messageId: a redelivered or re-published event inserts nothing and so changes no projection.
 * Returns whether the event was new.
 */
export async function recordEvent(prisma: Transactional, delivery: Delivery): Promise<boolean> {
  const id = eventId.safeParse(delivery.messageId);
  if (!id.success) throw new PoisonMessageError('an event needs a uuid messageId: it is the event id');
  const parsed = domainEvent.safeParse(delivery.body);
  if (!parsed.success) throw new PoisonMessageError(`not a domain event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const row = toStoredEvent(id.data, sourceOf(delivery.routingKey), parsed.data);
  return retryOnConflict(() =>
    prisma.$transaction(async (tx) => {
      const seq = await insertEvent(tx, row);
      if (seq === null) return false;
      await applyDelta(tx, foldEvents([row.payload]));
      await notifyUpdate(tx, { kind: 'stored', event: toEventView(seq, row) });
      return true;
    }),
  );
}

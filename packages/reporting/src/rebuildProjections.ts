import type { Transactional } from '@trading/db';
import { readEventsAfter } from './eventStore.ts';
import { notifyRebuilt } from './notifications.ts';
import { foldEvents } from './projection.ts';
import { applyDelta, PROJECTION_TABLES } from './projectionStore.ts';

const PAGE = 5000;

/**
 * Empties every projection and replays the whole event store into it, in one transaction. The store is locked
 * against new events meanwhile (they wait, then count once), so the result is exactly the live figures.
 * Returns how many events were replayed.
 */
export function rebuildProjections(db: Transactional): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('LOCK TABLE reporting.event IN SHARE MODE');
    await tx.$executeRawUnsafe(`TRUNCATE ${PROJECTION_TABLES.map((t) => `reporting.${t}`).join(', ')}`);
    let after = '0';
    let count = 0;
    for (;;) {
      const page = await readEventsAfter(tx, after, PAGE);
      if (page.length === 0) break;
      await applyDelta(tx, foldEvents(page.map((row) => row.payload)));
      after = page[page.length - 1]?.seq ?? after;
      count += page.length;
    }
    await notifyRebuilt(tx);
    return count;
  });
}

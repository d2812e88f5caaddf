import type { SqlClient } from '@trading/db';
import { gauge } from '@trading/platform';

/** The store this process reads when the metrics are scraped (watchDeadLetters). */
let store: SqlClient | undefined;

/** A failed queue as a label: the topology's names as they are, a private server-named queue (amq.gen-…) as `private`. */
const label = (queue: string) => (queue.startsWith('amq.gen-') ? 'private' : queue);

gauge(
  'trading_dead_letters_waiting',
  'Dead letters waiting for the operator in reporting.dead_letter (pnpm dlq replays or drops them), by the queue they failed on.',
  ['queue'],
  async function () {
    if (!store) return;
    const rows = await store
      .$queryRawUnsafe<{ queue: string; waiting: number }[]>(
        `SELECT failed_queue AS queue, count(*)::int AS waiting FROM reporting.dead_letter WHERE state = 'waiting' GROUP BY failed_queue`,
      )
      .catch(() => undefined);
    if (!rows) return; // the database does not answer: the last reading stays
    this.reset();
    const waiting = new Map<string, number>();
    for (const row of rows) waiting.set(label(row.queue), (waiting.get(label(row.queue)) ?? 0) + row.waiting);
    for (const [queue, count] of waiting) this.set({ queue }, count);
  },
);

/** Reports the waiting dead letters of `db` on the operator port's /metrics. */
export function watchDeadLetters(db: SqlClient): void {
  store = db;
}

import type { SqlClient } from '@trading/db';
import type { Logger } from '@trading/platform';
import pg from 'pg';
import type { EventView } from './storedEvent.ts';

/*
 * Live updates go through PostgreSQL NOTIFY, sent in the transaction that stores the event: a listener hears
 * only committed events, and every Reporting instance hears every event, whichever instance consumed it.
 */
const CHANNEL = 'reporting_updates';

export type Update = { kind: 'stored'; event: EventView } | { kind: 'rebuilt' };

export async function notifyUpdates(tx: SqlClient, updates: readonly Update[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.$executeRawUnsafe('SELECT pg_notify($1, u) FROM unnest($2::text[]) AS u', CHANNEL, updates.map((u) => JSON.stringify(u)));
}

/** LISTENs on its own connection, reconnecting after a failure, until `close`. */
export function listenForUpdates(url: string, logger: Logger, onUpdate: (update: Update) => void): { close: () => Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.payload) onUpdate(JSON.parse(message.payload) as Update);
    });
    next.on('error', (err) => {
      logger.warn({ err: err.message }, 'update listener connection failed; reconnecting');
      void next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      client = next;
    } catch (err) {
      next.emit('error', err as Error);
    }
  };
  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

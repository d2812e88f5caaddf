import type { SqlClient } from '@trading/db';
import type { Logger } from '@trading/platform';
import pg from 'pg';
import type { LiveStream } from './http/liveStream.ts';
import { eventsBySeq } from './listEvents.ts';

/*
 * Live updates go through PostgreSQL NOTIFY, sent in the transaction that stores the events: a listener hears
 * only committed events, and every Reporting instance hears every event, whichever instance consumed it.
 * A notification is a doorbell: it names the stored events by sequence number, and a listener with someone to
 * tell reads them from the store. Storing an event therefore costs no payload of its own, and no notification
 * comes near PostgreSQL's 8,000-byte limit, however large an event is.
 */
const CHANNEL = 'reporting_updates';
/** Sequence numbers per notification: well under the payload limit even at 19 digits each. */
const SEQS_PER_NOTIFICATION = 200;

export type Update = { kind: 'stored'; seqs: string[] } | { kind: 'rebuilt' };

/** One notification per batch of stored events (per SEQS_PER_NOTIFICATION of them). */
export async function notifyStored(tx: SqlClient, seqs: readonly string[]): Promise<void> {
  const updates: Update[] = [];
  for (let i = 0; i < seqs.length; i += SEQS_PER_NOTIFICATION) updates.push({ kind: 'stored', seqs: seqs.slice(i, i + SEQS_PER_NOTIFICATION) });
  await notify(tx, updates);
}

export async function notifyRebuilt(tx: SqlClient): Promise<void> {
  await notify(tx, [{ kind: 'rebuilt' }]);
}

async function notify(tx: SqlClient, updates: readonly Update[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.$executeRawUnsafe(
    'SELECT pg_notify($1, u) FROM unnest($2::text[]) AS u',
    CHANNEL,
    updates.map((u) => JSON.stringify(u)),
  );
}

/** LISTENs on its own connection, reconnecting after a failure, until `close`. */
export function listenForUpdates(url: string, logger: Logger, onUpdate: (update: Update) => void): { close: () => Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: 'trading-reporting-listener' });
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

/**
 * Passes updates on to the open dashboards, in the order they came. Stored events are read only while a
 * dashboard is open; a failed read is logged and costs the dashboards those events, never the store.
 */
export function relayUpdates(db: SqlClient, stream: LiveStream, logger: Logger): (update: Update) => void {
  let last = Promise.resolve();
  return (update) => {
    last = last
      .then(async () => {
        if (update.kind === 'rebuilt') return stream.broadcast('rebuilt', update);
        if (!stream.watched()) return;
        for (const event of await eventsBySeq(db, update.seqs)) stream.broadcast('stored', { kind: 'stored', event });
      })
      .catch((err: unknown) => logger.warn({ err }, 'live update not relayed to the dashboards'));
  };
}

import type { Logger } from '@trading/platform';
import pg from 'pg';

/** The advisory lock whose holder is the market's one leader ('market' in ASCII). */
export const LEADER_LOCK_KEY = 0x6d61726b6574;

export type LeadershipOptions = {
  url: string;
  applicationName: string;
  /** How often a standby tries the lock again, and how often the leader checks its connection is alive. */
  retryMs: number;
  logger: Logger;
  onElected: () => Promise<void>;
  onDeposed: () => Promise<void>;
};

/**
 * Leadership by a PostgreSQL session advisory lock: a dedicated connection, held for the leader's life, takes
 * pg_try_advisory_lock. A standby tries again every `retryMs`. When the leader's connection dies (process killed,
 * backend terminated, network gone), PostgreSQL releases the lock and a standby takes it; the old leader, which sees
 * its connection fail (an error, or a failed check every `retryMs`), stops at once and becomes a standby.
 */
export function holdLeadership({ url, applicationName, retryMs, logger, onElected, onDeposed }: LeadershipOptions) {
  let stopped = false;
  let leader: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let transition = Promise.resolve();

  const later = (fn: () => Promise<void>): void => {
    if (!stopped) timer = setTimeout(() => void fn(), retryMs);
  };

  const depose = (client: pg.Client, reason: string): void => {
    if (leader !== client) return;
    leader = undefined;
    logger.warn({ reason }, 'leadership lost; standing by');
    client.end().catch(() => undefined);
    transition = transition.then(onDeposed).catch((err: unknown) => logger.error({ err }, 'stepping down failed'));
    void transition.then(() => later(attempt));
  };

  const check = async (client: pg.Client): Promise<void> => {
    if (leader !== client) return;
    await client.query('SELECT 1').then(
      () => later(() => check(client)),
      (err: Error) => depose(client, err.message),
    );
  };

  async function attempt(): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: applicationName, keepAlive: true, connectionTimeoutMillis: 10_000 });
    client.on('error', (err) => depose(client, err.message));
    client.on('end', () => depose(client, 'connection ended'));
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK_KEY]);
      if (!rows[0]?.locked || stopped) {
        await client.end();
        return later(attempt);
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'cannot try the leader lock; trying again');
      await client.end().catch(() => undefined);
      return later(attempt);
    }
    leader = client;
    logger.info('elected leader: publishing ticks');
    transition = transition.then(onElected).catch((err: unknown) => {
      logger.error({ err }, 'starting as leader failed; stepping down');
      depose(client, 'start failed');
    });
    later(() => check(client));
  }

  void attempt();
  return {
    get isLeader(): boolean {
      return leader !== undefined;
    },
    /** Stops trying; a leader steps down (onDeposed) and then releases the lock by closing its connection. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      const client = leader;
      leader = undefined;
      await transition;
      if (client) {
        await onDeposed();
        await client.end().catch(() => undefined);
      }
    },
  };
}

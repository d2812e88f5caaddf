import { createHash, randomBytes } from 'node:crypto';
import { gauge, type Logger } from '@trading/platform';
import pg from 'pg';

export type PartitionOwnershipOptions = {
  /** The service's database URL. */
  url: string;
  /**
   * 'payment' | 'trade' (any short [a-z]+ name): the lock namespace (partitionLockClass); the connection's
   * application_name is `${group}-partitions`, by which the group's live instances are counted.
   */
  group: string;
  /** P: the partitions are 0 … P-1. */
  partitions: number;
  /** How often the instance re-checks membership, takes or gives up partitions (e.g. 1000). */
  intervalMs: number;
  logger: Logger;
  /** Start consuming partition p. Called only while the lock of p is held. May reject: then release the lock and retry later. */
  acquire: (partition: number) => Promise<void>;
  /** Stop consuming partition p and drain what it holds. The lock of p is released only after this resolves. */
  release: (partition: number) => Promise<void>;
};

export type PartitionPlan = {
  /** ceil(partitions / members): the most partitions one instance should own. */
  fairShare: number;
  /** The partitions to try, in this order, until `fairShare` are owned (some may be held by other instances). */
  take: number[];
  /** The partitions to give up now: at most one a tick, the highest-numbered owned. */
  give: number[];
};

/**
 * The decision of one tick, pure: below the fair share, try every unowned partition starting at `offset` (each
 * instance has its own, so two starting at once do not race for the same ones in the same order); above it, give up
 * the highest-numbered partition, one a tick, so hand-overs are gradual and the others have time to take what is freed.
 */
export function planPartitions({
  partitions,
  members,
  owned,
  offset,
}: {
  partitions: number;
  members: number;
  owned: readonly number[];
  offset: number;
}): PartitionPlan {
  const fairShare = Math.ceil(partitions / Math.max(1, members));
  const mine = new Set(owned);
  if (mine.size > fairShare) return { fairShare, take: [], give: [Math.max(...mine)] };
  if (mine.size === fairShare) return { fairShare, take: [], give: [] };
  const take: number[] = [];
  for (let i = 0; i < partitions; i++) {
    const partition = (((offset + i) % partitions) + partitions) % partitions;
    if (!mine.has(partition)) take.push(partition);
  }
  return { fairShare, take, give: [] };
}

/**
 * The classid of a group's partition locks, `pg_try_advisory_lock(classid, partition)`: the first four bytes of
 * SHA-256(`partitions:${group}`) as a signed 32-bit integer (what PostgreSQL's int4 takes; pg_locks shows it as the
 * unsigned oid `classid >>> 0`). The two-int form lives apart from the one-bigint form (the market's leader lock), as
 * pg_locks' objsubid 2 against 1, so the namespaces never meet.
 */
export function partitionLockClass(group: string): number {
  return createHash('sha256').update(`partitions:${group}`).digest().readInt32BE(0);
}

type Connection = { client: pg.Client; broken?: string };

/**
 * Partition ownership by PostgreSQL session advisory locks, one per partition, all held on one dedicated connection
 * of this instance. Every `intervalMs` (and once right away) a tick counts the group's live instances (the sessions
 * named `${group}-partitions` in this database, its own included; the query doubles as the connection's check) and
 * moves towards the fair share: it takes free partitions (lock, then `acquire`, and only then owned) or gives up one
 * (`release`, then unlock). Ticks never overlap: one loop runs them, and the connection's failure, stop and the
 * reconnection, one after the other.
 *
 * When the connection fails (an error, its end, or a failed tick query), PostgreSQL has released, or is about to
 * release, every lock: the instance calls `release` for all it owned at once, forgets them, closes the client, and
 * connects again `intervalMs` later. The client is closed only after the releases, so a session that is still alive
 * (a query timed out, say) keeps the others off those partitions until this instance has drained them.
 */
/** The partitions each running ownership holds now, by group, read on every scrape. */
const holdings = new Map<string, Set<ReadonlySet<number>>>();
gauge('trading_partitions_owned', "Partitions of the service's queue this instance consumes now (its fair share once settled).", ['group'], function () {
  this.reset();
  for (const [group, sets] of holdings)
    this.set(
      { group },
      [...sets].reduce((sum, set) => sum + set.size, 0),
    );
});

export function ownPartitions(options: PartitionOwnershipOptions): {
  owned(): readonly number[];
  /** Releases every partition (release, then unlock), closes the connection, stops for good. */
  stop(): Promise<void>;
} {
  const { url, group, partitions, intervalMs, logger, acquire, release } = options;
  if (!/^[a-z]+$/.test(group)) throw new Error(`partition group must be [a-z]+, not ${JSON.stringify(group)}`);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`partitions must be a positive integer, not ${partitions}`);
  const applicationName = `${group}-partitions`;
  const classid = partitionLockClass(group);
  const instanceId = randomBytes(4);
  const offset = instanceId.readUInt32BE(0) % partitions;
  const log = logger.child({ group, instance: instanceId.toString('hex') });

  const owned = new Set<number>();
  holdings.set(group, (holdings.get(group) ?? new Set()).add(owned));
  let connection: Connection | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  /** Cuts the pause between ticks short (the connection failed, or stop). */
  let wake: (() => void) | undefined;
  let woken = false;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const wakeUp = (): void => {
    woken = true;
    wake?.();
  };

  /** The client's own error or end: noted, and handled by the loop at once (never in the middle of a tick). */
  const fail = (current: Connection, reason: string): void => {
    if (connection !== current || current.broken) return;
    current.broken = reason;
    wakeUp();
  };

  async function connect(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: url,
      application_name: applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      // A query that hangs on a dead network fails the connection instead of stopping the ticks.
      query_timeout: Math.max(10_000, 5 * intervalMs),
    });
    const current: Connection = { client };
    client.on('error', (err) => fail(current, err.message));
    client.on('end', () => fail(current, 'connection ended'));
    try {
      await client.connect();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cannot connect for partition ownership; trying again');
      await client.end().catch(() => undefined);
      return false;
    }
    connection = current;
    return true;
  }

  /** Every lock is gone with the connection: release all at once, forget them, close the client. */
  async function lose(current: Connection, reason: string): Promise<void> {
    connection = undefined;
    const lost = [...owned].sort((a, b) => a - b);
    owned.clear();
    log.warn({ reason, partitions: lost }, 'partition ownership connection failed: releasing every partition');
    await Promise.all(lost.map((p) => release(p).catch((err: unknown) => log.error({ err, partition: p }, 'releasing a lost partition failed'))));
    await current.client.end().catch(() => undefined);
  }

  const query = async <T extends pg.QueryResultRow>(current: Connection, sql: string, values: unknown[]): Promise<T> => {
    const { rows } = await current.client.query<T>(sql, values);
    return rows[0]!;
  };
  const unlock = (current: Connection, partition: number) =>
    query<{ unlocked: boolean }>(current, 'SELECT pg_advisory_unlock($1::int, $2::int) AS unlocked', [classid, partition]);

  async function giveUp(current: Connection, partition: number): Promise<void> {
    try {
      await release(partition);
    } catch (err) {
      // Still consuming, perhaps: keep the lock, and the next tick tries again.
      log.error({ err, partition }, 'releasing a partition failed; keeping it');
      return;
    }
    owned.delete(partition);
    const { unlocked } = await unlock(current, partition);
    if (!unlocked) log.warn({ partition }, 'partition lock was not held when given up');
    log.info({ partition, owned: [...owned] }, 'partition given up');
  }

  async function take(current: Connection, partition: number): Promise<void> {
    const { locked } = await query<{ locked: boolean }>(current, 'SELECT pg_try_advisory_lock($1::int, $2::int) AS locked', [classid, partition]);
    if (!locked) return;
    try {
      await acquire(partition);
    } catch (err) {
      log.warn({ err, partition }, 'acquiring a partition failed; unlocking it, trying again later');
      await unlock(current, partition);
      return;
    }
    owned.add(partition);
    log.info({ partition, owned: [...owned] }, 'partition acquired');
  }

  async function tick(current: Connection): Promise<void> {
    const { members } = await query<{ members: number }>(
      current,
      'SELECT count(*)::int AS members FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [applicationName],
    );
    const plan = planPartitions({ partitions, members, owned: [...owned], offset });
    for (const partition of plan.give) await giveUp(current, partition);
    for (const partition of plan.take) {
      if (stopped || current.broken || owned.size >= plan.fairShare) break;
      await take(current, partition);
    }
  }

  /** One step of the loop: handle a failed connection, or connect (then tick at once), or tick. */
  async function step(): Promise<void> {
    if (connection?.broken) return lose(connection, connection.broken);
    if (!connection && !(await connect())) return;
    const current = connection!;
    try {
      await tick(current);
    } catch (err) {
      current.broken ??= (err as Error).message;
    }
    if (current.broken && !stopped) await lose(current, current.broken);
  }

  /** On stop: release then unlock each partition, close the connection (a failed one: as on any failure). */
  async function shutdown(): Promise<void> {
    const current = connection;
    if (!current) return;
    if (current.broken) return lose(current, current.broken);
    connection = undefined;
    const held = [...owned].sort((a, b) => a - b);
    // Released at once; each unlocked as soon as its release is done, one query at a time on the one connection.
    let unlocks = Promise.resolve();
    await Promise.all(
      held.map(async (p) => {
        await release(p).catch((err: unknown) => log.error({ err, partition: p }, 'releasing a partition on stop failed'));
        owned.delete(p);
        unlocks = unlocks
          .then(() => unlock(current, p))
          .then(
            () => undefined,
            () => undefined,
          );
        await unlocks;
      }),
    );
    await current.client.end().catch(() => undefined);
    log.info({ partitions: held }, 'partition ownership stopped');
  }

  const loop = (async () => {
    while (!stopped) {
      woken = false;
      try {
        await step();
      } catch (err) {
        log.error({ err }, 'partition ownership tick failed');
      }
      await pause(intervalMs);
    }
    await shutdown();
  })();

  return {
    owned: () => [...owned].sort((a, b) => a - b),
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        wakeUp();
        await loop;
        holdings.get(group)?.delete(owned);
      })();
      return stopping;
    },
  };
}

import { randomInt } from 'node:crypto';
import { createLogger } from '@trading/platform';
import { testEnv, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { ownPartitions, type PartitionOwnershipOptions, partitionLockClass } from '../src/partitionOwnership.ts';

const logger = createLogger('partition-test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');
const P = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A group of its own per test ([a-z]+), so no test counts another's members. */
const newGroup = () => `t${Array.from({ length: 10 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;

type Call = { owner: string; kind: 'acquire' | 'release'; partition: number; at: number };

describe('partition ownership by advisory locks', function () {
  this.timeout(20_000);
  let group: string;
  let timeline: Call[];
  let owners: Array<ReturnType<typeof ownPartitions>>;
  let admin: pg.Client;

  /**
   * An owner recording its calls: acquire when it starts, release when it has drained (it takes 20 ms, so a release
   * the lock did not wait for would show as an overlap).
   */
  const owner = (name: string, overrides: Partial<PartitionOwnershipOptions> = {}) => {
    const started = ownPartitions({
      url: testEnv().databaseUrl,
      group,
      partitions: P,
      intervalMs: 100,
      logger: logger.child({ owner: name }),
      acquire: async (partition) => void timeline.push({ owner: name, kind: 'acquire', partition, at: performance.now() }),
      release: async (partition) => {
        await sleep(20);
        timeline.push({ owner: name, kind: 'release', partition, at: performance.now() });
      },
      ...overrides,
    });
    owners.push(started);
    return started;
  };
  const calls = (name: string, kind: Call['kind']) =>
    timeline
      .filter((c) => c.owner === name && c.kind === kind)
      .map((c) => c.partition)
      .sort((a, b) => a - b);
  const all = Array.from({ length: P }, (_, p) => p);

  /** For each partition: acquire, release, acquire, … each release by the owner of the acquire before it, in time order. */
  const expectNoOverlap = () => {
    for (const partition of all) {
      const seq = timeline.filter((c) => c.partition === partition);
      seq.forEach((call, i) => {
        expect(call.kind, `partition ${partition}, call ${i}: ${JSON.stringify(seq)}`).to.equal(i % 2 === 0 ? 'acquire' : 'release');
        if (i % 2 === 1) expect(call.owner, `partition ${partition} released by another`).to.equal(seq[i - 1]!.owner);
        if (i > 0) expect(call.at).to.be.at.least(seq[i - 1]!.at);
      });
    }
  };
  const balanced = (shares: number[]) => () => {
    const owned = owners.map((o) => o.owned());
    const counts = owned.map((o) => o.length).sort((a, b) => b - a);
    const covered = new Set(owned.flat());
    return JSON.stringify(counts) === JSON.stringify(shares) && covered.size === P ? owned : undefined;
  };
  /** The backend pid holding a partition's lock of this group, seen from the admin connection. */
  const holderOf = async (partition: number): Promise<number | undefined> => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::oid AND objid = $2::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [String(partitionLockClass(group) >>> 0), String(partition)],
    );
    return rows[0]?.pid;
  };

  before(async () => {
    admin = new pg.Client({ connectionString: testEnv().databaseUrl, application_name: 'partition-test-admin' });
    await admin.connect();
  });
  after(() => admin.end());
  beforeEach(() => {
    group = newGroup();
    timeline = [];
    owners = [];
  });
  afterEach(async () => {
    await Promise.all(owners.map((o) => o.stop()));
  });

  it('one owner takes all 8 partitions in its first tick', async () => {
    const one = owner('a');
    await waitFor(() => (one.owned().length === P ? true : undefined), 1000);
    expect(one.owned()).to.deep.equal(all);
    expect(calls('a', 'acquire')).to.deep.equal(all);
    expect(await holderOf(3)).to.be.a('number');
  });

  it('a second owner joins: 4 and 4, disjoint, each partition released by the first before the second acquires it', async () => {
    const a = owner('a');
    await waitFor(() => (a.owned().length === P ? true : undefined), 2000);
    const b = owner('b');
    const [ownedA, ownedB] = await waitFor(balanced([4, 4]), 5000);
    expect([...ownedA!, ...ownedB!].sort((x, y) => x - y)).to.deep.equal(all);
    // The first gives up its highest-numbered partitions, one a tick.
    expect(a.owned()).to.deep.equal([0, 1, 2, 3]);
    expect(b.owned()).to.deep.equal([4, 5, 6, 7]);
    expect(calls('a', 'release')).to.deep.equal([4, 5, 6, 7]);
    expectNoOverlap();
    // And stays so.
    await sleep(500);
    expect(a.owned()).to.deep.equal([0, 1, 2, 3]);
    expect(b.owned()).to.deep.equal([4, 5, 6, 7]);
  });

  it('three owners share 3, 3 and 2, all 8 covered', async () => {
    owner('a');
    await sleep(200);
    owner('b');
    owner('c');
    await waitFor(balanced([3, 3, 2]), 8000);
    expectNoOverlap();
  });

  it('an owner whose connection is terminated releases all it owned, and the survivor takes them within a few ticks', async () => {
    const a = owner('a', { intervalMs: 200 });
    await waitFor(() => (a.owned().length === P ? true : undefined), 2000);
    const b = owner('b');
    await waitFor(balanced([4, 4]), 5000);
    const lost = a.owned();
    const pid = await holderOf(lost[0]!);
    expect(await holderOf(lost.at(-1)!)).to.equal(pid);
    const releasedBefore = calls('a', 'release').length;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // It drains everything it owned, and owns nothing.
    await waitFor(() => (calls('a', 'release').length === releasedBefore + lost.length ? true : undefined), 2000);
    expect(a.owned()).to.deep.equal([]);
    const released = timeline.filter((c) => c.owner === 'a' && c.kind === 'release').slice(releasedBefore);
    expect(released.map((c) => c.partition).sort((x, y) => x - y)).to.deep.equal(lost);
    // Gone for good, as a killed process would be, before it reconnects (200 ms later).
    await a.stop();
    await waitFor(() => (b.owned().length === P ? true : undefined), 1000);
    expect(b.owned()).to.deep.equal(all);
  });

  it('an owner whose connection is terminated connects again after intervalMs and owns all again', async () => {
    const a = owner('a', { intervalMs: 300 });
    await waitFor(() => (a.owned().length === P ? true : undefined), 2000);
    const pid = await holderOf(0);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const lostAt = performance.now();
    await waitFor(() => (calls('a', 'release').length === P ? true : undefined), 2000);
    await waitFor(() => (calls('a', 'acquire').length === 2 * P ? true : undefined), 3000);
    const again = timeline.filter((c) => c.kind === 'acquire').slice(P);
    expect(again[0]!.at - lostAt).to.be.at.least(250);
    expect(a.owned()).to.deep.equal(all);
    expect(await holderOf(0))
      .to.be.a('number')
      .and.not.equal(pid);
    expectNoOverlap();
  });

  it('stop() of one of two: the other takes all, after every release of the stopped one', async () => {
    const a = owner('a');
    await waitFor(() => (a.owned().length === P ? true : undefined), 2000);
    const b = owner('b');
    await waitFor(balanced([4, 4]), 5000);
    const held = a.owned();
    await a.stop();
    expect(a.owned()).to.deep.equal([]);
    expect(held).to.deep.equal([0, 1, 2, 3]);
    expect(calls('a', 'release')).to.deep.equal(all); // 4 to 7 when b joined, 0 to 3 on stop
    await waitFor(() => (b.owned().length === P ? true : undefined), 2000);
    expect(b.owned()).to.deep.equal(all);
    // Each of a's partitions: a's acquire, a's release, then b's acquire.
    for (const partition of held)
      expect(timeline.filter((c) => c.partition === partition).map((c) => `${c.owner} ${c.kind}`)).to.deep.equal(['a acquire', 'a release', 'b acquire']);
    expectNoOverlap();
    await a.stop(); // idempotent
  });

  it('an acquire that rejects unlocks the partition, and it is retried and ends up owned', async () => {
    let attempts = 0; // acquire calls for partition 3: the first rejects
    let rejectedAt = 0;
    const a = owner('a', {
      intervalMs: 400,
      acquire: async (partition) => {
        if (partition === 3 && ++attempts === 1) {
          rejectedAt = performance.now();
          throw new Error('queue not ready');
        }
        timeline.push({ owner: 'a', kind: 'acquire', partition, at: performance.now() });
      },
    });
    await waitFor(() => (attempts === 1 && a.owned().length === P - 1 ? true : undefined), 1000);
    expect(a.owned()).to.not.include(3);
    // The lock was let go: another session can take it (and, holding it, keeps the owner off partition 3).
    const cls = partitionLockClass(group);
    await waitFor(async () => ((await admin.query('SELECT pg_try_advisory_lock($1::int, 3) AS l', [cls])).rows[0].l ? true : undefined), 300);
    expect(performance.now() - rejectedAt).to.be.below(400);
    await sleep(600);
    expect(a.owned()).to.not.include(3);
    expect(attempts).to.equal(1);
    await admin.query('SELECT pg_advisory_unlock($1::int, 3)', [cls]);
    await waitFor(() => (a.owned().length === P ? true : undefined), 2000);
    expect(attempts).to.equal(2);
    expect(calls('a', 'acquire')).to.deep.equal(all);
  });
});

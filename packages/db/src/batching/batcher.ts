import { batchSize, busyLaneMessages } from '../metrics.ts';

export type BatcherOptions<I> = {
  /** Most items in one batch. */
  maxBatch: number;
  /** Items that share a key never share a batch, nor run in two batches at once: a later one waits for a later batch. */
  keyOf?: (item: I) => string;
  /**
   * The item's lane (one user's messages, say): items of a lane keep their order, across batches too, and a lane is
   * in one running batch at most. When one of them must wait for a later batch (its key, or its lane's `maxPerLane`),
   * every later item of its lane waits too.
   */
  laneOf?: (item: I) => string;
  /** Most items of one lane in a batch: what bounds the time one busy lane adds to a batch. */
  maxPerLane?: number;
  /**
   * A lane that brought at least this many items within the current or the last second is busy (with `laneOf`): busy
   * lanes run in batches of their own, beside the batches of the rest, so a busy account neither lengthens the
   * batches everyone else waits for nor makes them wait for its own.
   */
  busyLanePerSecond?: number;
  /**
   * How long an idle batcher waits for more items before it runs the first one's batch (0: only a setImmediate).
   * For work nobody waits on, such as Reporting's: fewer, fuller transactions at moderate rates.
   */
  lingerMs?: number;
};

type Entry<I, R> = { item: I; key?: string; lane?: string; resolve: (result: R) => void; reject: (err: unknown) => void };

/** Counts each lane's items per second: a lane is busy while it brought `perSecond` in the current or the last second. */
function laneRates(perSecond: number) {
  let current = new Map<string, number>();
  let last = new Map<string, number>();
  let since = 0;
  /** How many lanes reached the rate in each second: while none did, nothing is busy and no lane is looked up. */
  let busyNow = 0;
  let busyLast = 0;
  return {
    arrived(lane: string, now: number): void {
      if (now - since >= 1000) {
        [last, busyLast] = now - since >= 2000 ? [new Map(), 0] : [current, busyNow];
        [current, busyNow] = [new Map(), 0];
        since = now;
      }
      const count = (current.get(lane) ?? 0) + 1;
      current.set(lane, count);
      if (count === perSecond) busyNow += 1;
    },
    isBusy: (lane: string): boolean => busyNow + busyLast > 0 && ((current.get(lane) ?? 0) >= perSecond || (last.get(lane) ?? 0) >= perSecond),
  };
}

/**
 * Groups calls into batches: the items that arrive while a batch runs form the next one, so a busy consumer
 * pays a transaction per batch instead of per message, and an idle one waits no longer than a setImmediate (or its
 * `lingerMs`).
 * Batches run one at a time: the most batching, and no lock waits between a process's own batches (a second one
 * at once only adds work where the hops already wait for a core: docs/bench-log.md). The exception is the busy lanes'
 * (`busyLanePerSecond`): their batches run beside the others', at most one of each at once. `run` returns one result
 * per item, in order. When a batch fails, its items run again one at a time, so a bad item fails alone and its
 * neighbours succeed.
 */
export function createBatcher<I, R>(run: (items: I[]) => Promise<R[]>, options: BatcherOptions<I>): (item: I) => Promise<R> {
  const { maxBatch, keyOf, laneOf, maxPerLane = maxBatch, busyLanePerSecond, lingerMs = 0 } = options;
  const waiting: Entry<I, R>[] = [];
  const rates = laneOf && busyLanePerSecond !== undefined ? laneRates(busyLanePerSecond) : undefined;
  const isBusy = (entry: Entry<I, R>) => entry.lane !== undefined && rates?.isBusy(entry.lane) === true;
  /** The keys and lanes of the running batches: none of them joins another batch until its own is done. */
  const runningKeys = new Set<string>();
  const runningLanes = new Set<string>();
  /** The two streams of batches: each runs one batch at a time. Without busy lanes, everything is the rest's. */
  const streams = [
    { busy: false, draining: false },
    { busy: true, draining: false },
  ];
  type Stream = (typeof streams)[number];

  /** The stream's next batch: its waiting items in order, but those whose key or lane is taken, or whose lane is full or held back. */
  function take(stream: Stream): Entry<I, R>[] {
    if (!keyOf && !laneOf) return waiting.splice(0, maxBatch);
    const batch: Entry<I, R>[] = [];
    const keys = new Set<string>();
    const perLane = new Map<string, number>();
    const heldBack = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < maxBatch; ) {
      const entry = waiting[i]!;
      const { key, lane } = entry;
      const laneFull = lane !== undefined && (heldBack.has(lane) || runningLanes.has(lane) || (perLane.get(lane) ?? 0) >= maxPerLane);
      if (isBusy(entry) !== stream.busy || laneFull || (key !== undefined && (keys.has(key) || runningKeys.has(key)))) {
        if (lane !== undefined) heldBack.add(lane);
        i += 1;
        continue;
      }
      if (key !== undefined) keys.add(key);
      if (lane !== undefined) perLane.set(lane, (perLane.get(lane) ?? 0) + 1);
      batch.push(...waiting.splice(i, 1));
    }
    return batch;
  }

  async function runAlone(entry: Entry<I, R>): Promise<void> {
    try {
      const [result] = await run([entry.item]);
      entry.resolve(result as R);
    } catch (err) {
      entry.reject(err);
    }
  }

  async function runBatch(batch: Entry<I, R>[]): Promise<void> {
    if (batch.length === 1) return runAlone(batch[0]!);
    try {
      const results = await run(batch.map((entry) => entry.item));
      for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
    } catch {
      for (const entry of batch) await runAlone(entry);
    }
  }

  async function drain(stream: Stream): Promise<void> {
    for (let batch = take(stream); batch.length > 0; batch = take(stream)) {
      batchSize.observe(batch.length);
      if (stream.busy) busyLaneMessages.inc(batch.length);
      for (const { key, lane } of batch) {
        if (key !== undefined) runningKeys.add(key);
        if (lane !== undefined) runningLanes.add(lane);
      }
      try {
        await runBatch(batch);
      } finally {
        for (const { key, lane } of batch) {
          if (key !== undefined) runningKeys.delete(key);
          if (lane !== undefined) runningLanes.delete(lane);
        }
      }
      // What this batch held back from the other stream may go now.
      if (rates) kick();
    }
    stream.draining = false;
  }

  /** Starts the drain of each stream that is idle and has items waiting. */
  function kick(): void {
    for (const stream of streams) {
      if (stream.draining || !waiting.some((entry) => isBusy(entry) === stream.busy)) continue;
      stream.draining = true;
      if (lingerMs > 0) setTimeout(() => void drain(stream), lingerMs);
      else setImmediate(() => void drain(stream));
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      const lane = laneOf?.(item);
      if (lane !== undefined) rates?.arrived(lane, Date.now());
      waiting.push({ item, key: keyOf?.(item), lane, resolve, reject });
      kick();
    });
}

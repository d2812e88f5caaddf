import { batchSize } from '../metrics.ts';

export type BatcherOptions<I> = {
  /** Most items in one batch. */
  maxBatch: number;
  /** Items that share a key never share a batch: a later one waits for a later batch (batches run one at a time). */
  keyOf?: (item: I) => string;
  /**
   * The item's lane (one user's messages, say): items of a lane keep their order, across batches too. When one of
   * them must wait for a later batch (its key, or its lane's `maxPerLane`), every later item of its lane waits too.
   */
  laneOf?: (item: I) => string;
  /** Most items of one lane in a batch: what bounds the time one busy lane adds to everyone's batch. */
  maxPerLane?: number;
  /**
   * How long an idle batcher waits for more items before it runs the first one's batch (0: only a setImmediate).
   * For work nobody waits on, such as Reporting's: fewer, fuller transactions at moderate rates.
   */
  lingerMs?: number;
};

type Entry<I, R> = { item: I; resolve: (result: R) => void; reject: (err: unknown) => void };

/**
 * Groups calls into batches: the items that arrive while a batch runs form the next one, so a busy consumer
 * pays a transaction per batch instead of per message, and an idle one waits no longer than a setImmediate (or its
 * `lingerMs`).
 * Batches run one at a time: the most batching, and no lock waits between a process's own batches (a second one
 * at once only adds work where the hops already wait for a core: docs/bench-log.md). `run` returns one result per
 * item, in order. When a batch fails, its items run again one at a time, so a bad item fails alone and its
 * neighbours succeed.
 */
export function createBatcher<I, R>(run: (items: I[]) => Promise<R[]>, options: BatcherOptions<I>): (item: I) => Promise<R> {
  const { maxBatch, keyOf, laneOf, maxPerLane = maxBatch, lingerMs = 0 } = options;
  const waiting: Entry<I, R>[] = [];
  let draining = false;

  /** The next batch: waiting items in order, but those whose key is taken, or whose lane is full or held back. */
  function take(): Entry<I, R>[] {
    if (!keyOf && !laneOf) return waiting.splice(0, maxBatch);
    const batch: Entry<I, R>[] = [];
    const keys = new Set<string>();
    const perLane = new Map<string, number>();
    const heldBack = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < maxBatch; ) {
      const { item } = waiting[i]!;
      const key = keyOf?.(item);
      const lane = laneOf?.(item);
      const laneFull = lane !== undefined && (heldBack.has(lane) || (perLane.get(lane) ?? 0) >= maxPerLane);
      if (laneFull || (key !== undefined && keys.has(key))) {
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

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const batch = take();
      batchSize.observe(batch.length);
      if (batch.length === 1) {
        await runAlone(batch[0]!);
        continue;
      }
      try {
        const results = await run(batch.map((entry) => entry.item));
        for (const [i, entry] of batch.entries()) entry.resolve(results[i] as R);
      } catch {
        for (const entry of batch) await runAlone(entry);
      }
    }
    draining = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (draining) return;
      draining = true;
      if (lingerMs > 0) setTimeout(() => void drain(), lingerMs);
      else setImmediate(() => void drain());
    });
}

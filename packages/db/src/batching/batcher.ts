export type BatcherOptions<I> = {
  /** Most items in one batch. */
  maxBatch: number;
  /** Items that share a key never share a batch: a later one waits for a later batch (batches run one at a time). */
  keyOf?: (item: I) => string | readonly string[];
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
  const { maxBatch, keyOf, lingerMs = 0 } = options;
  const waiting: Entry<I, R>[] = [];
  let draining = false;

  function take(): Entry<I, R>[] {
    if (!keyOf) return waiting.splice(0, maxBatch);
    const batch: Entry<I, R>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < maxBatch; ) {
      const itemKeys = [keyOf(waiting[i]!.item)].flat();
      if (itemKeys.some((key) => keys.has(key))) i += 1;
      else {
        for (const key of itemKeys) keys.add(key);
        batch.push(...waiting.splice(i, 1));
      }
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

/**
 * Token buckets keyed by string: `burst` requests at once, then `rate` a second (or an hour). A bucket is kept only
 * while it is not full (a full one is the same as none), and never more than `maxKeys`: the least recently used goes.
 */
export type Taken = { ok: true } | { ok: false; retryAfterMs: number };

export type RateLimiter = {
  /** Takes one token from `key`'s bucket, or says how long until the next one. */
  take(key: string): Taken;
  /** Drops `key`'s bucket (a closed connection). */
  forget(key: string): void;
  /** Buckets held now. */
  readonly size: number;
};

export type RateLimitOptions = {
  burst: number;
  /** Milliseconds since any fixed instant: Date.now, performance.now, or a test's fake. */
  now: () => number;
  /** Hard bound on buckets held; default 100,000 (about 10 MB). */
  maxKeys?: number;
} & ({ ratePerSecond: number } | { ratePerHour: number });

type Bucket = { level: number; at: number };

const OK: Taken = Object.freeze({ ok: true });

/** Exact whole-number arithmetic: a token is `intervalMs` units and each millisecond adds `rate` units. */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  if ('ratePerSecond' in options && 'ratePerHour' in options) throw new RangeError('give ratePerSecond or ratePerHour, not both');
  const [rate, intervalMs] = 'ratePerSecond' in options ? [options.ratePerSecond, 1000] : [options.ratePerHour, 3_600_000];
  const maxKeys = options.maxKeys ?? 100_000;
  for (const [name, value] of [
    ['rate', rate],
    ['burst', options.burst],
    ['maxKeys', maxKeys],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
  }
  const capacity = options.burst * intervalMs;
  const fillMs = Math.ceil(capacity / rate);
  const buckets = new Map<string, Bucket>();

  const levelAt = (bucket: Bucket, t: number) => Math.min(capacity, bucket.level + Math.min(Math.max(0, t - bucket.at), fillMs) * rate);

  /** Buckets are in least-recently-used order: drop the full ones at the front. Amortised O(1) per take. */
  const prune = (t: number) => {
    for (const [key, bucket] of buckets) {
      if (levelAt(bucket, t) < capacity) return;
      buckets.delete(key);
    }
  };

  return {
    take(key) {
      const t = Math.floor(options.now());
      prune(t);
      const found = buckets.get(key);
      const bucket = found ? { level: levelAt(found, t), at: Math.max(found.at, t) } : { level: capacity, at: t };
      buckets.delete(key);
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
      buckets.set(key, bucket);
      if (bucket.level >= intervalMs) {
        bucket.level -= intervalMs;
        return OK;
      }
      return { ok: false, retryAfterMs: Math.ceil((intervalMs - bucket.level) / rate) };
    },
    forget(key) {
      buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}

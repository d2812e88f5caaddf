/** Latency figures of one step, in milliseconds (nearest-rank percentiles). */
export type LatencySummary = { count: number; p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number };

/** The nearest-rank percentile `p` (0 < p ≤ 100) of ascending `sorted`; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? 0),
  };
}

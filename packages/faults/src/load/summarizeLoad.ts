import { definitiveReply, latencyMs, type RequestRecord } from './records.ts';

export type LoadSummary = {
  requests: number;
  resends: number;
  /** Requests sent again on another gateway after the client's socket was lost (TradingClient's failover). */
  failoverResends: number;
  /** Requests still without a definitive reply. */
  unknown: number;
  /** Definitive outcomes: OK or the error code, per request type. */
  outcomes: Record<string, Record<string, number>>;
  /** Replies that said the outcome was unknown at first (REPLY_TIMEOUT, BROKER_BUSY, SHUTTING_DOWN), per code. */
  unknownAtFirst: Record<string, number>;
  /** First send to definitive reply, in ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The figures of a load, for test logs, RELIABILITY.md and the benchmark. */
export function summarizeLoad(records: readonly RequestRecord[]): LoadSummary {
  const outcomes: Record<string, Record<string, number>> = {};
  const unknownAtFirst: Record<string, number> = {};
  let unknown = 0;
  for (const record of records) {
    const reply = definitiveReply(record);
    if (!reply) unknown += 1;
    const first = record.replies[0]?.reply;
    if (first && first !== reply && first.code) unknownAtFirst[first.code] = (unknownAtFirst[first.code] ?? 0) + 1;
    const key = reply ? (reply.code ?? reply.status) : 'UNKNOWN';
    const byType = (outcomes[record.type] ??= {});
    byType[key] = (byType[key] ?? 0) + 1;
  }
  const latencies = records.flatMap((r) => latencyMs(r) ?? []).sort((a, b) => a - b);
  return {
    requests: records.length,
    resends: records.reduce((sum, r) => sum + r.sends.length - 1, 0),
    failoverResends: records.reduce((sum, r) => sum + (r.failovers?.length ?? 0), 0),
    unknown,
    outcomes,
    unknownAtFirst,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
  };
}

import type { RequestRecord } from '../load/records.ts';

/** What a fault did to paced requests, seen from the clients. Times in ms; undefined when it never happened. */
export type RecoveryFigures = {
  /** Requests sent from the start of the measurement (the users' set-up excluded). */
  requests: number;
  /** Sent before the fault and not answered when it began. */
  inFlightAtFault: number;
  /** The longest any request waited for its first answer. */
  longestWaitMs: number;
  /** Requests with no answer at all to their first send. */
  unanswered: number;
  /** First answers, by code (OK for a success). */
  answers: Record<string, number>;
  /** From the broker accepting connections again to the first OK answer. */
  firstOkMs: number | undefined;
  /** From the broker accepting connections again to the answer of the first request after which every one is OK. */
  allOkMs: number | undefined;
};

export type FaultTimes = {
  /** When the measurement began (requests sent before it are set-up). */
  from: number;
  /** When the fault was injected. */
  faultAt: number;
  /** When the broker first accepted a connection again. */
  acceptsAt: number;
};

/** The figures of one fault from the load's records (epoch ms throughout). */
export function recoveryFigures(records: readonly RequestRecord[], times: FaultTimes): RecoveryFigures {
  const measured = records.filter((r) => (r.sends[0] ?? 0) >= times.from).sort((a, b) => a.sends[0]! - b.sends[0]!);
  const first = (r: RequestRecord) => r.replies[0];
  const answers: Record<string, number> = {};
  let longestWaitMs = 0;
  let unanswered = 0;
  for (const record of measured) {
    const reply = first(record);
    if (!reply) {
      unanswered += 1;
      continue;
    }
    const key = reply.reply.status === 'OK' ? 'OK' : (reply.reply.code ?? 'ERROR');
    answers[key] = (answers[key] ?? 0) + 1;
    longestWaitMs = Math.max(longestWaitMs, reply.at - record.sends[0]!);
  }
  const inFlightAtFault = measured.filter((r) => r.sends[0]! < times.faultAt && (first(r)?.at ?? Infinity) >= times.faultAt).length;
  const okAt = measured.flatMap((r) => (first(r)?.reply.status === 'OK' && first(r)!.at >= times.acceptsAt ? [first(r)!.at] : []));
  const lastBad = measured.findLastIndex((r) => first(r)?.reply.status !== 'OK');
  const streakStart = measured[lastBad + 1];
  return {
    requests: measured.length,
    inFlightAtFault,
    longestWaitMs,
    unanswered,
    answers,
    firstOkMs: okAt.length === 0 ? undefined : Math.min(...okAt) - times.acceptsAt,
    allOkMs: streakStart ? Math.max(0, first(streakStart)!.at - times.acceptsAt) : undefined,
  };
}

import { performance } from 'node:perf_hooks';
import type { Rate } from './config.ts';
import { type CpuBreakdown, type CpuSnapshot, cpuPerSaga, type SwitchBreakdown, snapshotCpu, switchesPerSaga } from './cpuUsage.ts';
import type { GatewaySocket } from './gatewaySocket.ts';
import { type LatencySummary, summarizeLatencies } from './latency.ts';
import { nthOrder, type OrderPlan } from './sagaOrders.ts';

export type StepOptions = { warmupS: number; durationS: number /** Requests in flight per socket when flat out. */; depth: number };

export type StepResult = LatencySummary & {
  /** The target rate in sagas per second, or `max`. */
  target: Rate;
  /** Sagas answered OK inside the measured window, per second. */
  sagas_per_s: number;
  /** Sagas answered OK inside the measured window. */
  completed: number;
  /** Sagas sent in the whole step (the next step's orders continue from there). */
  sent: number;
  /** Every ERROR reply, timeout or lost connection of the step, warm-up and drain included. */
  errors: number;
  errors_by_code: Record<string, number>;
  /** CPU time per saga completed in the measured window, by process on this machine; null where it cannot be read. */
  cpu_ms_per_saga: CpuBreakdown | null;
  /** Context switches per saga completed in the measured window, by process on this machine; null where they cannot be read. */
  switches_per_saga: SwitchBreakdown | null;
};

/** How often the open-loop scheduler sends the sagas that fell due. */
const TICK_MS = 5;

/**
 * One step: warm-up, then a measured window, then waits for every saga in flight. With a numeric rate the
 * sagas are sent open-loop on a schedule (latency cannot slow the sender); with `max` each socket keeps
 * `depth` sagas in flight. Latency is from sending the request to its final reply.
 */
export async function runStep(sockets: readonly GatewaySocket[], plan: OrderPlan, rate: Rate, options: StepOptions, firstOrder = 0): Promise<StepResult> {
  const started = performance.now();
  const windowStart = started + options.warmupS * 1000;
  const windowEnd = windowStart + options.durationS * 1000;
  const latencies: number[] = [];
  const errorsByCode: Record<string, number> = {};
  let sent = 0;
  let outstanding = 0;
  let drained: (() => void) | undefined;

  const countError = (code: string) => {
    errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
  };
  const fire = (): void => {
    const k = firstOrder + sent;
    sent += 1;
    outstanding += 1;
    const socket = sockets[k % sockets.length]!;
    const sentAt = performance.now();
    socket.request(nthOrder(plan, k)).then(
      (reply) => {
        const now = performance.now();
        if (reply.status !== 'OK') countError(String(reply.code ?? 'ERROR'));
        else if (now >= windowStart && now < windowEnd) latencies.push(now - sentAt);
        settled(now);
      },
      (err: Error) => {
        countError(/no reply/.test(err.message) ? 'NO_REPLY' : 'CONNECTION_LOST');
        settled(performance.now());
      },
    );
  };
  const settled = (now: number): void => {
    outstanding -= 1;
    if (rate === 'max' && now < windowEnd) fire();
    else if (outstanding === 0 && now >= windowEnd) drained?.();
  };

  const done = new Promise<void>((resolve) => {
    drained = resolve;
  });
  let cpuAtStart: CpuSnapshot | undefined;
  let cpuAtEnd: CpuSnapshot | undefined;
  setTimeout(() => (cpuAtStart = snapshotCpu()), windowStart - started);
  setTimeout(() => (cpuAtEnd = snapshotCpu()), windowEnd - started);
  if (rate === 'max') {
    for (let i = 0; i < sockets.length * options.depth; i += 1) fire();
  } else {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, windowEnd) - started) / 1000) * rate);
      while (sent < due) fire();
      if (now >= windowEnd) {
        clearInterval(timer);
        if (outstanding === 0) drained?.();
      }
    }, TICK_MS);
  }
  await done;
  cpuAtEnd ??= snapshotCpu();

  const errors = Object.values(errorsByCode).reduce((a, b) => a + b, 0);
  const summary = summarizeLatencies(latencies);
  return {
    target: rate,
    sagas_per_s: Math.round((summary.count / options.durationS) * 10) / 10,
    completed: summary.count,
    ...summary,
    errors,
    errors_by_code: errorsByCode,
    sent,
    cpu_ms_per_saga: cpuAtStart && cpuAtEnd ? cpuPerSaga(cpuAtStart, cpuAtEnd, summary.count) : null,
    switches_per_saga: cpuAtStart && cpuAtEnd ? switchesPerSaga(cpuAtStart, cpuAtEnd, summary.count) : null,
  };
}

import type { BrokerBaseline } from './brokerBaseline.ts';
import type { CpuBreakdown, SwitchBreakdown } from './cpuUsage.ts';
import type { DatabaseBaseline } from './databaseBaseline.ts';
import type { StepResult } from './runStep.ts';
import type { SagaCost } from './sagaCost.ts';

export type Baselines = { broker: BrokerBaseline; database: DatabaseBaseline };

export type Summary = {
  /** The fastest step's figures: normally the flat-out one. */
  sagas_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Errors over every step. */
  errors: number;
  completed: number;
  /** The fastest step's CPU per saga, by process on this machine. */
  cpu_ms_per_saga: CpuBreakdown | null;
  /** The fastest step's context switches per saga, by process on this machine. */
  switches_per_saga: SwitchBreakdown | null;
  steps: StepResult[];
  broker_msgs_per_s: number | null;
  pg_tx_per_s: number | null;
  /** Broker messages per saga when its events share their batches with other sagas' (the fewest). */
  messages_per_saga: number;
  /** Commits per saga, as measured over the saga steps (or the unbatched most, where the database cannot be read). */
  transactions_per_saga: number;
  /** WAL bytes the database server wrote per saga over the saga steps; null where it cannot be read. */
  wal_bytes_per_saga: number | null;
  /** Sagas per second the baselines allow: 1 / (messages/broker rate + transactions/database rate). */
  baseline_sagas_per_s: number | null;
  /** sagas_per_s / baseline_sagas_per_s. */
  ratio_to_baseline: number | null;
};

/**
 * The rate the machine would reach if a saga cost nothing but its broker messages (the fewest: its events sharing
 * their batches) and its transactions, each at the baseline's rate. They add up rather than overlap: broker,
 * database and services share the same cores.
 */
export function baselineSagaRate(baselines: Baselines, cost: SagaCost): number {
  const seconds = cost.fewestMessages / baselines.broker.msgs_per_s + cost.transactions / baselines.database.tx_per_s;
  return Math.round(1 / seconds);
}

export function buildSummary(steps: readonly StepResult[], cost: SagaCost, baselines?: Baselines, walBytesPerSaga?: number): Summary {
  const best = steps.reduce<StepResult | undefined>((a, b) => (a && a.sagas_per_s >= b.sagas_per_s ? a : b), undefined);
  const bound = baselines ? baselineSagaRate(baselines, cost) : null;
  const sagasPerS = best?.sagas_per_s ?? 0;
  return {
    sagas_per_s: sagasPerS,
    p50_ms: best?.p50_ms ?? 0,
    p95_ms: best?.p95_ms ?? 0,
    p99_ms: best?.p99_ms ?? 0,
    errors: steps.reduce((sum, s) => sum + s.errors, 0),
    completed: steps.reduce((sum, s) => sum + s.completed, 0),
    cpu_ms_per_saga: best?.cpu_ms_per_saga ?? null,
    switches_per_saga: best?.switches_per_saga ?? null,
    steps: [...steps],
    broker_msgs_per_s: baselines?.broker.msgs_per_s ?? null,
    pg_tx_per_s: baselines?.database.tx_per_s ?? null,
    messages_per_saga: cost.fewestMessages,
    transactions_per_saga: cost.transactions,
    wal_bytes_per_saga: walBytesPerSaga ?? null,
    baseline_sagas_per_s: bound,
    ratio_to_baseline: bound ? Math.round((sagasPerS / bound) * 1000) / 1000 : null,
  };
}

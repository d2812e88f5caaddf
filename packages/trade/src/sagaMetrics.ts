import { counter, histogram } from '@trading/platform';
import type { SagaState, Side } from './domain.ts';

const sagas = counter('trading_sagas_total', 'Sagas ended, by side and outcome (COMPLETED, REJECTED, COMPENSATED, TIMED_OUT).', ['side', 'outcome']);
const sagaDuration = histogram(
  'trading_saga_duration_seconds',
  'From the order accepted to the saga ended, by side and outcome.',
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ['side', 'outcome'],
);

/** A saga reached a terminal state (call it once its transaction committed). */
export function countSagaEnded(side: Side, outcome: SagaState, durationMs: number): void {
  sagas.inc({ side, outcome });
  sagaDuration.observe({ side, outcome }, durationMs / 1000);
}

import type { TradeDeps } from './deps.ts';
import { decideStep } from './decideStep.ts';
import { runStep } from './runStep.ts';
import { lockOverdueSagas } from './sagaStore.ts';

/** Sagas handled per sweep transaction. */
const BATCH = 100;

/**
 * Drives sagas whose next event did not come in time: every `intervalMs`, the open sagas past their deadline
 * (locked, skipping those another instance holds) take their DeadlinePassed step. Also runs at start, so sagas
 * left open by a killed process are finished.
 */
export function startTimeoutSweeper(deps: TradeDeps, intervalMs: number): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    try {
      const count = await sweepOverdueSagas(deps);
      if (count > 0) deps.logger.info({ count }, 'sagas past their deadline handled');
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'timeout sweep failed; will retry');
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), intervalMs);
  };
  running = tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** One sweep: returns how many sagas took a deadline step. */
export async function sweepOverdueSagas(deps: TradeDeps): Promise<number> {
  const { count, messages } = await deps.db.$transaction(async (tx) => {
    const sagas = await lockOverdueSagas(tx, deps.clock(), BATCH);
    const outgoing = [];
    for (const saga of sagas) {
      const step = decideStep(saga, { type: 'DeadlinePassed' });
      deps.logger.debug({ sagaId: saga.id, state: saga.state, step: step.kind }, 'saga deadline passed');
      outgoing.push(...(await runStep(tx, deps, saga, step)));
    }
    return { count: sagas.length, messages: await deps.outbox.add(tx, outgoing) };
  });
  deps.outbox.flush(messages);
  return count;
}

import { randomUUID } from 'node:crypto';
import { type ErrorCode, errorCodes, type OutgoingMessage, type Reply, type TradeEvent } from '@trading/contracts';
import { afterCommit, type SqlClient } from '@trading/db';
import { announceHolding, announceOrder } from './accountChanges.ts';
import { deadlineAfter, type TradeDeps } from './deps.ts';
import type { AwaitedEvent, Saga, Step } from './domain.ts';
import { addToHolding, restoreHolding, settleSale } from './holdingStore.ts';
import { completedReply, failedReply, reannounced, replyToWaiter, sagaDuration, sagaFacts, tradeEvent } from './sagaMessages.ts';
import { countSagaEnded } from './sagaMetrics.ts';
import { type SagaChange, takeWaiters, updateSaga } from './sagaStore.ts';
import { deleteTrade, insertTrade } from './tradeStore.ts';

/** Thrown when a step after the reservation fails: its transaction rolls back, and a new one compensates. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

/**
 * Carries out a step in the caller's transaction: the saga's new state, the effects on trades and holdings,
 * and the messages to send (domain events, replies to waiters), which commit together.
 */
export async function runStep(tx: SqlClient, deps: TradeDeps, saga: Saga, step: Step): Promise<OutgoingMessage[]> {
  const now = deps.clock();
  const facts = sagaFacts(saga, now);
  const durationMs = sagaDuration(saga, now);
  switch (step.kind) {
    case 'record':
      return record(tx, deps, { ...saga, execution: step.execution }, now);
    case 'complete': {
      if (!saga.tradeId) throw new Error(`saga ${saga.id} completes without a recorded trade`);
      const settled = saga.side === 'SELL' ? [await announceHolding(tx, saga, await settleSale(tx, saga), now)] : [];
      const completed: TradeEvent = { type: 'SagaCompleted', ...facts, trade_id: saga.tradeId, duration_ms: durationMs };
      const filled = await announceOrder(tx, saga, 'FILLED', now);
      return finish(tx, saga, now, { state: 'COMPLETED', reply: completedReply(saga) }, [tradeEvent(completed), ...settled, filled]);
    }
    case 'reject': {
      const restored: OutgoingMessage[] = [];
      if (saga.side === 'SELL') {
        restored.push(await announceHolding(tx, saga, await restoreHolding(tx, saga), now));
        await deleteTrade(tx, saga.id);
      }
      const failed: TradeEvent = { type: 'SagaFailed', ...facts, outcome: 'REJECTED', code: step.code, reason: step.reason, duration_ms: durationMs };
      const reply = failedReply(saga, step.code, step.reason);
      const rejected = await announceOrder(tx, saga, 'REJECTED', now, step.code);
      const change: Ending = { state: 'REJECTED', reply, failureCode: step.code, failureReason: step.reason };
      return finish(tx, saga, now, change, [tradeEvent(failed), ...restored, rejected]);
    }
    case 'compensate': {
      // Only a BUY whose funds were reserved compensates (decideStep): they were reserved now.
      const change = {
        state: 'COMPENSATING',
        deadline: deadlineAfter(now, deps.settings),
        failureCode: step.code,
        failureReason: step.reason,
        reservedAt: now,
      } as const;
      const [, reserved] = await Promise.all([updateSaga(tx, saga.id, now, change), announceOrder(tx, saga, 'FUNDS_RESERVED', now)]);
      return [tradeEvent({ type: 'OrderCancelled', ...facts, code: step.code, reason: step.reason }), reserved];
    }
    case 'compensated': {
      const code = knownCode(saga.failureCode ?? 'TRADE_FAILED');
      const why = saga.failureReason ?? 'a step failed';
      const reason = code === 'TRADE_FAILED' ? `${errorCodes.TRADE_FAILED.message}: ${why}` : `${why}; the reserved funds were released`;
      const failed: TradeEvent = { type: 'SagaFailed', ...facts, outcome: 'COMPENSATED', code, reason, duration_ms: durationMs };
      const change: Ending = { state: 'COMPENSATED', reply: failedReply(saga, code, reason), failureCode: code };
      return finish(tx, saga, now, change, [tradeEvent(failed), await announceOrder(tx, saga, 'COMPENSATED', now, code)]);
    }
    case 'timeOut': {
      const reason = `Payment did not reserve the funds within ${deps.settings.sagaTimeoutMs} ms; the trade was cancelled`;
      const failed: TradeEvent = { type: 'SagaFailed', ...facts, outcome: 'TIMED_OUT', code: 'SAGA_TIMEOUT', reason, duration_ms: durationMs };
      const change: Ending = { state: 'TIMED_OUT', reply: failedReply(saga, 'SAGA_TIMEOUT', reason), failureCode: 'SAGA_TIMEOUT', failureReason: reason };
      const expired = await announceOrder(tx, saga, 'TIMED_OUT', now, 'SAGA_TIMEOUT');
      return finish(tx, saga, now, change, [tradeEvent({ type: 'OrderExpired', ...facts, reason }), tradeEvent(failed), expired]);
    }
    case 'reannounce': {
      await updateSaga(tx, saga.id, now, { state: saga.state, deadline: deadlineAfter(now, deps.settings) });
      return [reannounced(awaitedEvent(saga, step.event, now))];
    }
    case 'releaseLate':
      return [reannounced(awaitedEvent(saga, 'OrderExpired', now))];
    case 'ignore':
      return [];
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

/**
 * BUY: the trade at its execution, the user's holding and the house's opposite position are recorded, and
 * TradeRecorded announced (Payment captures the funds); any failure rolls them back with the transaction.
 */
async function record(tx: SqlClient, deps: TradeDeps, saga: Saga, now: Date): Promise<OutgoingMessage[]> {
  const tradeId = randomUUID();
  // The saga's new state is written side by side with the trade (if recording fails, the transaction rolls back both).
  const captured = updateSaga(tx, saga.id, now, {
    state: 'CAPTURING',
    tradeId,
    execution: saga.execution ?? undefined,
    deadline: deadlineAfter(now, deps.settings),
    reservedAt: now,
  });
  captured.catch(() => undefined); // awaited below, unless recording failed first
  let holding: Awaited<ReturnType<typeof addToHolding>>;
  try {
    [, holding] = await Promise.all([insertTrade(tx, saga, tradeId, now), addToHolding(tx, saga)]);
    if (deps.settings.failRecordingFor.has(saga.symbol)) throw new Error(`injected fault for ${saga.symbol} (TRADE_FAIL_RECORDING_FOR)`);
  } catch (err) {
    throw new StepFailedError(`recording the trade failed: ${(err as Error).message}`, { cause: err });
  }
  await captured;
  const recorded = { ...saga, tradeId };
  // The account stream: the funds are reserved (Payment's event), and the bought quantity is held already.
  const reserved = await announceOrder(tx, recorded, 'FUNDS_RESERVED', now);
  const held = await announceHolding(tx, recorded, holding, now);
  return [tradeEvent({ type: 'TradeRecorded', ...sagaFacts(recorded, now), trade_id: tradeId }), reserved, held];
}

/** The event a saga waits on Payment's reaction to, as it was announced (with a new `at`). */
function awaitedEvent(saga: Saga, type: AwaitedEvent, now: Date): TradeEvent {
  const facts = sagaFacts(saga, now);
  const reason = saga.failureReason ?? '';
  switch (type) {
    case 'TradeRecorded':
      if (!saga.tradeId) throw new Error(`saga ${saga.id} awaits its trade's settlement without a recorded trade`);
      return { type, ...facts, trade_id: saga.tradeId };
    case 'OrderCancelled':
      return { type, ...facts, code: saga.failureCode ?? 'TRADE_FAILED', reason };
    case 'OrderExpired':
      return { type, ...facts, reason };
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

/** A saga's last change: a terminal state with its reply. */
type Ending = SagaChange & { reply: Reply };

/** A terminal state: its reply is stored (for re-sends) and sent to every waiter, with the step's events; counted once committed. */
async function finish(tx: SqlClient, saga: Saga, now: Date, change: Ending, events: OutgoingMessage[]): Promise<OutgoingMessage[]> {
  const [, waiters] = await Promise.all([updateSaga(tx, saga.id, now, change), takeWaiters(tx, saga.id)]);
  afterCommit(tx, () => countSagaEnded(saga.side, change.state, sagaDuration(saga, now)));
  return [...waiters.flatMap((waiter) => replyToWaiter(waiter, change.reply)), ...events];
}

/** A failure code stored on the saga is one of ours; anything else (an older row) is reported as TRADE_FAILED. */
function knownCode(code: string): ErrorCode {
  return Object.hasOwn(errorCodes, code) ? (code as ErrorCode) : 'TRADE_FAILED';
}

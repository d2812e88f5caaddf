import { brokerUsers, type Delivery, paymentEvent, reactsTo } from '@trading/contracts';
import { hashRequest, userScope, type SqlClient } from '@trading/db';
import { type Logger, PoisonMessageError } from '@trading/platform';
import { decideStep, type ExecutionContext } from './decideStep.ts';
import { type Halts, readHalts } from './haltStore.ts';
import type { TradeDeps } from './deps.ts';
import type { SagaInput } from './domain.ts';
import { runStep, StepFailedError } from './runStep.ts';
import { lockSaga } from './sagaStore.ts';

/**
 * One of Payment's events that Trade reacts to (reactions.ts; from schema version 1, Payment's answer to a command on
 * `payment-response`, the same event) moves the saga on, once per message id: the step's effects, the saga's new
 * state and its messages commit together, and a duplicate does nothing. When the step fails (recording a BUY's
 * trade throws), its transaction rolls back and a new one starts the compensation. Only the Payment service's
 * broker user is believed.
 */
export async function onPaymentEvent(deps: TradeDeps, delivery: Delivery, log: Logger): Promise<void> {
  if (delivery.userId !== brokerUsers.payment) throw new PoisonMessageError(`saga event from ${delivery.userId ?? 'nobody'}, not the Payment service`);
  const parsed = paymentEvent.safeParse(delivery.body);
  if (!parsed.success || !reactsTo('trade', parsed.data.type)) throw new PoisonMessageError(`not an event Trade reacts to: ${delivery.type}`);
  if (!delivery.messageId) throw new PoisonMessageError('a payment event without a message id cannot be deduplicated');
  const event = parsed.data as Extract<SagaInput, { saga_id: string }>;
  const sagaLog = log.child({ sagaId: event.saga_id });
  const advance = (input: SagaInput) =>
    deps.processOnce({
      key: `event:${delivery.messageId}`,
      hash: hashRequest(event),
      scope: userScope(event.user_id),
      apply: async (tx) => ({ response: null, messages: await advanceSaga(tx, deps, event.saga_id, input, sagaLog) }),
      replay: () => [],
      conflict: () => [],
    });
  try {
    await advance(event);
  } catch (err) {
    if (!(err instanceof StepFailedError)) throw err;
    sagaLog.warn({ err: err.message }, 'saga step failed; compensating');
    await advance({ type: 'StepFailed', reason: err.message });
  }
}

async function advanceSaga(tx: SqlClient, deps: TradeDeps, sagaId: string, input: SagaInput, log: Logger) {
  // A reservation is executed on the market: the halts are read side by side with the saga.
  const [saga, halts] = await Promise.all([lockSaga(tx, sagaId), input.type === 'FundsReserved' ? readHalts(tx) : undefined]);
  if (!saga) {
    log.warn({ input: input.type }, 'answer for an unknown saga ignored');
    return [];
  }
  const context = halts ? executionContext(deps, saga.symbol, halts) : undefined;
  const step = decideStep(saga, input, context);
  log.debug({ input: input.type, state: saga.state, step: step.kind }, 'saga step');
  return runStep(tx, deps, saga, step);
}

/** The market a BUY executes on: the quote this instance holds, whether trading is halted, now. */
function executionContext(deps: TradeDeps, symbol: string, halts: Halts): ExecutionContext {
  return { market: deps.prices.view(symbol, halts(deps.catalogue.get(symbol)), deps.clock()), rules: deps.settings };
}

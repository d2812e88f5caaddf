import { type Delivery, eventMessage, type OutgoingMessage, REANNOUNCED_HEADER } from '@trading/contracts';
import { hashRequest, userScope } from '@trading/db';
import { PoisonMessageError } from '@trading/platform';
import { applyChanges } from './applyChanges.ts';
import type { PaymentDeps } from './deps.ts';
import { decideFundsStep } from './decideFundsStep.ts';
import type { FundsStep } from './domain.ts';
import { readFundsStep } from './readFundsStep.ts';
import { readStepState } from './readState.ts';

/**
 * One of Trade's events that Payment reacts to (reactions.ts): Payment's step in the saga, taken once per saga and
 * step, and the event that tells how it went (FundsReserved, FundsCaptured, …), published on `domain-events` for
 * Trade to react to. The event is remembered as the very message sent: the same step announced again (Trade does at
 * a saga's deadline) publishes it again, with the same messageId, so Trade applies it once.
 */
export async function handleSagaEvent(deps: PaymentDeps, delivery: Delivery): Promise<void> {
  const step = readFundsStep(delivery);
  if (!step) return;
  const log = deps.logger.child({ sagaId: step.saga_id, correlationId: delivery.correlationId, step: step.type, event: delivery.type });
  await deps.processOnce<OutgoingMessage[]>({
    key: `saga:${step.saga_id}:${step.type}`,
    hash: hashRequest(identityOf(step)),
    scope: userScope(step.user_id),
    apply: async (tx) => {
      const decision = decideFundsStep(step, await readStepState(tx, step), deps.clock().toISOString());
      if ('refused' in decision) throw new PoisonMessageError(decision.refused);
      const announced = await applyChanges(tx, decision.changes);
      const outcome = eventMessage(decision.event, step.saga_id);
      // A re-announced step publishes its outcome again, not its account changes: they happened once.
      return { response: [outcome], messages: [outcome, ...announced] };
    },
    // Reporting has the event already: only the services that react to it need it again.
    replay: (messages) => messages.map((m) => ({ ...m, headers: { ...m.headers, [REANNOUNCED_HEADER]: 'true' } })),
    conflict: () => {
      throw new PoisonMessageError(`saga ${step.saga_id}: another ${step.type} with different contents`);
    },
  });
  log.debug('saga step handled');
}

/**
 * What makes two steps the same step. A release's `reason` is a note for people: Trade may announce a saga's end
 * again with another reason (a reservation that arrived after it expired), and that is the same release.
 */
function identityOf(step: FundsStep): Record<string, unknown> {
  if (step.type !== 'ReleaseFunds') return step;
  const { reason: _reason, ...identity } = step;
  return identity;
}

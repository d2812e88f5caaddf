import { brokerUsers, type Delivery, eventMessage, exchanges, type OutgoingMessage, type PaymentCommand } from '@trading/contracts';
import { hashRequest, userScope } from '@trading/db';
import { PoisonMessageError } from '@trading/platform';
import { applyChanges } from './applyChanges.ts';
import type { PaymentDeps } from './deps.ts';
import { decideCommand } from './decideCommand.ts';
import { parseCommand } from './parseCommand.ts';
import { readCommandState } from './readState.ts';

/**
 * A saga command of the Trade service, applied once per saga and command type. Its answer is an event, sent to
 * Trade on `payment-response` (routing key payment.funds.*) and to the `events` fanout with the same id. The answer
 * is remembered as the very message sent: a duplicate command re-publishes it to Trade, with the same messageId.
 */
export async function handleCommand(deps: PaymentDeps, delivery: Delivery): Promise<void> {
  if (delivery.userId !== brokerUsers.trade) throw new PoisonMessageError(`saga command from ${delivery.userId ?? 'nobody'}, not the Trade service`);
  const command = parseCommand(delivery.body);
  const log = deps.logger.child({ sagaId: command.saga_id, correlationId: delivery.correlationId, type: command.type });
  await deps.processOnce<OutgoingMessage[]>({
    key: `saga:${command.saga_id}:${command.type}`,
    hash: hashRequest(identityOf(command)),
    scope: userScope(command.user_id),
    apply: async (tx) => {
      const decision = decideCommand(command, await readCommandState(tx, command), deps.clock().toISOString());
      if ('refused' in decision) throw new PoisonMessageError(decision.refused);
      await applyChanges(tx, decision.changes);
      const answer = eventMessage(exchanges.paymentResponse, decision.event, command.saga_id);
      const published = eventMessage(exchanges.events, decision.event, command.saga_id, answer.messageId);
      return { response: [answer], messages: [answer, published] };
    },
    replay: (messages) => messages,
    conflict: () => {
      throw new PoisonMessageError(`saga ${command.saga_id} sent another ${command.type} with different contents`);
    },
  });
  log.debug('command handled');
}

/**
 * What makes two commands the same command. A release's `reason` is a note for people: Trade may release a saga
 * again with another reason (a reservation that arrived after the timeout), and that is the same release.
 */
function identityOf(command: PaymentCommand): Record<string, unknown> {
  if (command.type !== 'ReleaseFunds') return command;
  const { reason: _reason, ...identity } = command;
  return identity;
}

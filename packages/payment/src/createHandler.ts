import type { Handler } from '@trading/bus';
import { exchanges, sagaCommandKeysV1 } from '@trading/contracts';
import type { PaymentDeps } from './deps.ts';
import { handleAuthenticate } from './handleAuthenticate.ts';
import { handleRequest } from './handleRequest.ts';
import { handleSagaEvent } from './handleSagaEvent.ts';

/** Schema version 1's saga commands: Trade's, on `payment`, left in the queue by an upgrade. */
const isSagaCommandV1 = (type: unknown): boolean => typeof type === 'string' && Object.hasOwn(sagaCommandKeysV1, type);

/**
 * The consumer of `payment.commands`: client requests and key checks (from gateways), and the events of Trade that
 * Payment reacts to (on `domain-events`). A message that is not even a request (no id to answer) is dead-lettered
 * at once; a malformed request is answered ERROR.
 */
export function createHandler(deps: PaymentDeps): Handler {
  return async (delivery) => {
    const type = (delivery.body as { type?: unknown } | null)?.type;
    if (type === 'Authenticate') return handleAuthenticate(deps, delivery);
    if (delivery.exchange === exchanges.domainEvents || isSagaCommandV1(type)) return handleSagaEvent(deps, delivery);
    return handleRequest(deps, delivery);
  };
}

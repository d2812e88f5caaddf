import type { Handler } from '@trading/bus';
import { commandRoutingKeys } from '@trading/contracts';
import type { PaymentDeps } from './deps.ts';
import { handleAuthenticate } from './handleAuthenticate.ts';
import { handleCommand } from './handleCommand.ts';
import { handleRequest } from './handleRequest.ts';

/**
 * The consumer of `payment.commands`: client requests and key checks (from gateways), and saga commands (from Trade).
 * A message that is not even a request (no id to answer) is dead-lettered at once; a malformed request is answered ERROR.
 */
export function createHandler(deps: PaymentDeps): Handler {
  return async (delivery) => {
    const type = (delivery.body as { type?: unknown } | null)?.type;
    if (type === 'Authenticate') return handleAuthenticate(deps, delivery);
    const isCommand = typeof type === 'string' && Object.hasOwn(commandRoutingKeys, type);
    return isCommand ? handleCommand(deps, delivery) : handleRequest(deps, delivery);
  };
}

import { type Delivery, type Handler, PoisonMessageError, replyMessage } from '@trading/bus';
import { errorReply, exchanges, parseRequest, type Reply } from '@trading/contracts';
import { withDatabaseRetries } from '@trading/db';
import type { TradeDeps } from './deps.ts';
import { onPaymentEvent } from './onPaymentEvent.ts';
import { placeOrder } from './placeOrder.ts';
import { portfolioReply } from './portfolio.ts';
import { tradesReply } from './tradeHistory.ts';

/** The handler of Trade's queue: client requests from `api`, and Payment's answers to saga commands. */
export function createHandler(deps: TradeDeps): Handler {
  return async (delivery) => {
    const log = deps.logger.child({ requestId: delivery.headers['x-request-id'], correlationId: delivery.correlationId });
    if (delivery.exchange === exchanges.paymentResponse) return onPaymentEvent(deps, delivery, log);
    // The gateway validated the request; a body that fails here is its sender's bug, dead-lettered with the reason.
    const parsed = parseRequest(delivery.body, delivery.messageId ?? '');
    if (!parsed.ok) throw new PoisonMessageError(`invalid request on ${delivery.routingKey}: ${parsed.error.message}`);
    const request = parsed.request;
    log.debug({ type: request.type }, 'request received');
    switch (request.type) {
      case 'BUY':
      case 'SELL':
        return placeOrder(deps, delivery, request);
      case 'PORTFOLIO':
        return reply(deps, delivery, await withDatabaseRetries(() => portfolioReply(deps.db, request)));
      case 'TRADES':
        return reply(deps, delivery, await withDatabaseRetries(() => tradesReply(deps.db, request)));
      default:
        return reply(deps, delivery, errorReply(request.id, request.type, 'UNKNOWN_TYPE', `the Trade service does not handle ${request.type}`));
    }
  };
}

/** Read-only answers are published directly: there is no state change to commit with them. */
async function reply(deps: TradeDeps, delivery: Delivery, answer: Reply): Promise<void> {
  await Promise.all(replyMessage(delivery, exchanges.apiResponse, answer).map((message) => deps.bus.publish(message)));
}

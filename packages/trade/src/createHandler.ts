import type { Handler } from '@trading/bus';
import {
  authorizeStamped,
  type ClientRequest,
  type Delivery,
  encodePrincipal,
  errorReply,
  exchanges,
  parseRequest,
  type Principal,
  type Reply,
  replyMessage,
} from '@trading/contracts';
import { answerRefusal, recordAudit, refusedReply, withDatabaseRetries } from '@trading/db';
import { PoisonMessageError } from '@trading/platform';
import type { TradeDeps } from './deps.ts';
import { onPaymentEvent } from './onPaymentEvent.ts';
import { haltReply, quoteReply } from './marketControl.ts';
import { orderStatusReply } from './orderStatus.ts';
import { placeOrder } from './placeOrder.ts';
import { portfolioReply } from './portfolio.ts';
import { tradesReply } from './tradeHistory.ts';

/**
 * The handler of Trade's queue: client requests from `api`, and the events of Payment that Trade reacts to (on
 * `domain-events`; on `payment-response` from schema version 1).
 */
export function createHandler(deps: TradeDeps): Handler {
  return async (delivery) => {
    const log = deps.logger.child({ requestId: delivery.headers['x-request-id'], correlationId: delivery.correlationId });
    if (delivery.exchange === exchanges.domainEvents || delivery.exchange === exchanges.paymentResponse) return onPaymentEvent(deps, delivery, log);
    // The gateway validated the request; a body that fails here is its sender's bug, dead-lettered with the reason.
    const parsed = parseRequest(delivery.body, delivery.messageId ?? '');
    if (!parsed.ok) throw new PoisonMessageError(`invalid request on ${delivery.routingKey}: ${parsed.error.message}`);
    const input = parsed.request;
    if (input.type === 'LOGIN') return reply(deps, delivery, errorReply(input.id, input.type, 'UNKNOWN_TYPE', 'LOGIN is answered by the gateway'));
    // Authorised again on the principal the gateway stamped: without a trustworthy stamp nothing is done for anyone.
    const authorized = authorizeStamped(delivery.userId, delivery.headers, input);
    if (!authorized.ok) {
      const { code, message, field } = authorized;
      return reply(deps, delivery, errorReply(input.id, input.type, code, message, field ? { field } : {}));
    }
    const { principal, request } = authorized;
    log.debug({ type: request.type }, 'request received');
    /** A read or an operator's command, answered directly: a deterministic refusal of the database is its ERROR. */
    const answer = async (work: () => Promise<Reply>) => {
      const outcome = await answerRefusal(withDatabaseRetries(work), log);
      return reply(deps, delivery, 'refused' in outcome ? refusedReply(request, outcome.refused) : outcome.value);
    };
    switch (request.type) {
      case 'BUY':
      case 'SELL':
        return placeOrder(deps, delivery, principal, request);
      case 'PORTFOLIO':
        return answer(async () => {
          await audit(deps, principal, request);
          return portfolioReply(deps.db, request);
        });
      case 'TRADES':
        return answer(async () => {
          await audit(deps, principal, request);
          return tradesReply(deps.db, request);
        });
      case 'ORDER_STATUS':
        return answer(async () => {
          await audit(deps, principal, request);
          return orderStatusReply(deps.db, principal, request);
        });
      case 'QUOTE':
        return reply(deps, delivery, quoteReply(deps, request));
      case 'HALT':
      case 'RESUME':
        return answer(() => haltReply(deps, principal, request));
      default:
        return reply(deps, delivery, errorReply(request.id, request.type, 'UNKNOWN_TYPE', `the Trade service does not handle ${request.type}`));
    }
  };
}

/** A read made with the operator's key goes to the audit trail (an order's row is written with the order). */
async function audit(deps: TradeDeps, principal: Principal, request: ClientRequest): Promise<void> {
  if (principal.kind !== 'admin') return;
  const subject = 'user_id' in request ? request.user_id : undefined;
  await recordAudit(deps.db, 'trade', {
    actor: encodePrincipal(principal),
    action: request.type,
    subject,
    requestId: String(request.id),
    at: deps.clock().toISOString(),
  });
}

/** Read-only answers are published directly: there is no state change to commit with them. */
async function reply(deps: TradeDeps, delivery: Delivery, answer: Reply): Promise<void> {
  await Promise.all(replyMessage(delivery, exchanges.apiResponse, answer).map((message) => deps.bus.publish(message)));
}

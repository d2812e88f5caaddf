import { randomUUID } from 'node:crypto';
import { type Delivery, eventMessage, PoisonMessageError, replyMessage } from '@trading/bus';
import { type ClientRequest, errorReply, exchanges, isRequestType, type PaymentRequest, parseRequest, type Reply, requestRoutes } from '@trading/contracts';
import { hashRequest, userScope, withDatabaseRetries } from '@trading/db';
import { applyChanges } from './applyChanges.ts';
import type { PaymentDeps } from './createHandler.ts';
import { type ChangingRequest, decideRequest, describeAccount } from './decideRequest.ts';
import { readAccount, readRequestState } from './readState.ts';

const replies = exchanges.paymentResponse;

/**
 * A client request from the gateway, validated again with the contracts schemas. A changing request takes effect
 * once per inbox key; a duplicate (a redelivery, or the client re-sending its id) gets the remembered reply,
 * addressed to the delivery in hand. USER_INFO only reads.
 */
export async function handleRequest(deps: PaymentDeps, delivery: Delivery): Promise<void> {
  const parsed = parseRequest(delivery.body, String(delivery.headers['x-request-id'] ?? ''));
  if (!parsed.ok) {
    if (parsed.id === undefined) throw new PoisonMessageError(`not a request: ${parsed.error.message}`);
    const { code, message, ...fields } = parsed.error;
    return send(deps, delivery, errorReply(parsed.id, requestType(delivery.body), code, message, fields));
  }
  const request = parsed.request;
  if (!isPaymentRequest(request)) {
    return send(deps, delivery, errorReply(request.id, request.type, 'UNKNOWN_TYPE', `${request.type} is not a payment request`));
  }
  const log = deps.logger.child({ requestId: request.id, correlationId: delivery.correlationId, type: request.type });
  if (request.type === 'USER_INFO') await send(deps, delivery, describeAccount(request, await withDatabaseRetries(() => readAccount(deps.db, request.user_id))));
  else await changeOnce(deps, delivery, request);
  log.debug('request handled');
}

async function changeOnce(deps: PaymentDeps, delivery: Delivery, request: ChangingRequest): Promise<void> {
  const key = inboxKey(request, delivery);
  if (key === undefined) return send(deps, delivery, errorReply(request.id, request.type, 'INVALID_REQUEST', 'ADD_USER needs the x-session header'));
  await deps.processOnce<Reply>({
    key,
    hash: hashRequest(request),
    // ADD_USER opens a new account: nothing another message touches.
    scope: request.type === 'ADD_USER' ? key : userScope(request.user_id),
    apply: async (tx) => {
      const context = { at: deps.clock().toISOString(), newUserId: randomUUID() };
      const decision = decideRequest(request, await readRequestState(tx, request), context);
      await applyChanges(tx, decision.changes);
      const events = decision.events.map((event) => eventMessage(exchanges.events, event, delivery.correlationId));
      return { response: decision.reply, messages: [...replyMessage(delivery, replies, decision.reply), ...events] };
    },
    replay: (reply) => replyMessage(delivery, replies, reply),
    conflict: () => replyMessage(delivery, replies, errorReply(request.id, request.type, 'DUPLICATE_REQUEST_ID')),
  });
}

/** A request id is the client's: scoped to its user, or for ADD_USER to the client's connection (x-session). */
function inboxKey(request: ChangingRequest, delivery: Delivery): string | undefined {
  if (request.type !== 'ADD_USER') return `user:${request.user_id}:${request.id}`;
  const session = delivery.headers['x-session'];
  return typeof session === 'string' && session !== '' ? `session:${session}:${request.id}` : undefined;
}

async function send(deps: PaymentDeps, delivery: Delivery, reply: Reply): Promise<void> {
  await Promise.all(replyMessage(delivery, replies, reply).map((message) => deps.bus.publish(message)));
}

function requestType(body: unknown): ClientRequest['type'] | undefined {
  const type = (body as { type?: unknown } | null)?.type;
  return isRequestType(type) ? type : undefined;
}

const isPaymentRequest = (request: ClientRequest): request is PaymentRequest => requestRoutes[request.type].exchange === exchanges.payment;

import { randomUUID } from 'node:crypto';
import {
  authHeaders,
  authorizeStamped,
  type ClientRequest,
  type Delivery,
  encodePrincipal,
  errorReply,
  eventMessage,
  exchanges,
  isRoutedRequestType,
  KEY_HASH,
  parseRequest,
  type PaymentEvent,
  type PaymentRequest,
  type Principal,
  type Reply,
  replyMessage,
  requestKey,
  requestRoutes,
  type RoutedRequestType,
} from '@trading/contracts';
import { answerRefusal, hashRequest, recordAudit, refusedReply, type SqlClient, userScope, withDatabaseRetries } from '@trading/db';
import { PoisonMessageError } from '@trading/platform';
import { applyChanges } from './applyChanges.ts';
import type { PaymentDeps } from './deps.ts';
import { type ChangingRequest, decideRequest, describeAccount } from './decideRequest.ts';
import { readAccount, readRequestState } from './readState.ts';

const replies = exchanges.paymentResponse;

/**
 * A client request from the gateway, validated again with the contracts schemas and authorised again on the
 * principal the gateway stamped (a request without a trustworthy stamp, or for a user its principal may not act
 * for, is answered FORBIDDEN and changes nothing). A changing request takes effect once per idempotency key
 * (principal, user, id); a duplicate gets the remembered reply, addressed to the delivery in hand. USER_INFO only reads.
 */
export async function handleRequest(deps: PaymentDeps, delivery: Delivery): Promise<void> {
  const parsed = parseRequest(delivery.body, String(delivery.headers['x-request-id'] ?? ''));
  if (!parsed.ok) {
    if (parsed.id === undefined) throw new PoisonMessageError(`not a request: ${parsed.error.message}`);
    const { code, message, ...fields } = parsed.error;
    return send(deps, delivery, errorReply(parsed.id, requestType(delivery.body), code, message, fields));
  }
  const input = parsed.request;
  if (input.type === 'LOGIN' || !isRoutedRequestType(input.type) || !isPaymentType(input.type)) {
    return send(deps, delivery, errorReply(input.id, input.type, 'UNKNOWN_TYPE', `${input.type} is not a payment request`));
  }
  const authorized = authorizeStamped(delivery.userId, delivery.headers, input);
  if (!authorized.ok) {
    const { code, message, field } = authorized;
    return send(deps, delivery, errorReply(input.id, input.type, code, message, field ? { field } : {}));
  }
  const { principal } = authorized;
  const request = authorized.request as PaymentRequest;
  const log = deps.logger.child({ requestId: request.id, correlationId: delivery.correlationId, type: request.type });
  if (request.type === 'USER_INFO') {
    const account = await answerRefusal(
      withDatabaseRetries(async () => {
        if (principal.kind === 'admin') await recordAudit(deps.db, 'payment', auditOf(principal, request, deps.clock().toISOString()));
        return readAccount(deps.db, request.user_id);
      }),
      log,
    );
    await send(deps, delivery, 'refused' in account ? refusedReply(request, account.refused) : describeAccount(request, account.value));
  } else await changeOnce(deps, delivery, principal, request);
  log.debug('request handled');
}

async function changeOnce(deps: PaymentDeps, delivery: Delivery, principal: Principal, request: ChangingRequest): Promise<void> {
  const newKeySha256 = delivery.headers[authHeaders.newKeyHash];
  const needsKey = request.type === 'ADD_USER' || request.type === 'ROTATE_API_KEY';
  if (needsKey && (typeof newKeySha256 !== 'string' || !KEY_HASH.test(newKeySha256))) {
    return send(deps, delivery, errorReply(request.id, request.type, 'INVALID_REQUEST', `${request.type} needs the ${authHeaders.newKeyHash} header`));
  }
  const key = requestKey(principal, request);
  await deps.processOnce<Reply>({
    key,
    hash: hashRequest(request),
    // ADD_USER opens a new account: nothing another message touches.
    scope: request.type === 'ADD_USER' ? key : userScope(request.user_id),
    apply: async (tx) => {
      const at = deps.clock().toISOString();
      const context = { at, newUserId: randomUUID(), newKeySha256: String(newKeySha256 ?? '') };
      const decision = decideRequest(request, await readRequestState(tx, request), context);
      // Side by side: one round trip fewer for each message of a lane (the audit row is read by no decision).
      const [announced] = await Promise.all([applyChanges(tx, decision.changes), auditChange(tx, principal, request, decision.events, at)]);
      // Every event goes to `domain-events` (every gateway binds a revoked key, to close its sockets) and to Reporting.
      const events = decision.events.map((event) => eventMessage(event, delivery.correlationId));
      return { response: decision.reply, messages: [...replyMessage(delivery, replies, decision.reply), ...events, ...announced] };
    },
    replay: (reply) => replyMessage(delivery, replies, reply),
    conflict: () => replyMessage(delivery, replies, errorReply(request.id, request.type, 'DUPLICATE_REQUEST_ID')),
    refuse: (failure) => {
      const reply = refusedReply(request, failure);
      return { response: reply, messages: replyMessage(delivery, replies, reply) };
    },
  });
}

/** The operator's requests, and every key issued again or revoked, go to the audit trail with the effect. */
async function auditChange(tx: SqlClient, principal: Principal, request: ChangingRequest, events: PaymentEvent[], at: string): Promise<void> {
  if (principal.kind === 'admin') await recordAudit(tx, 'payment', auditOf(principal, request, at));
  for (const event of events) {
    const action =
      event.type === 'CredentialRevoked'
        ? 'CREDENTIAL_REVOKED'
        : event.type === 'CredentialIssued' && request.type === 'ROTATE_API_KEY'
          ? 'CREDENTIAL_ROTATED'
          : undefined;
    if (action) await recordAudit(tx, 'payment', { actor: encodePrincipal(principal), action, subject: event.user_id, requestId: String(request.id), at });
  }
}

function auditOf(principal: Principal, request: PaymentRequest, at: string) {
  const subject = 'user_id' in request ? request.user_id : undefined;
  return { actor: encodePrincipal(principal), action: request.type, subject, requestId: String(request.id), at };
}

async function send(deps: PaymentDeps, delivery: Delivery, reply: Reply): Promise<void> {
  await Promise.all(replyMessage(delivery, replies, reply).map((message) => deps.bus.publish(message)));
}

function requestType(body: unknown): ClientRequest['type'] | undefined {
  const type = (body as { type?: unknown } | null)?.type;
  return isRoutedRequestType(type) ? type : undefined;
}

const isPaymentType = (type: RoutedRequestType): boolean => requestRoutes[type].exchange === exchanges.payment;

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from './errorCodes.ts';
import type { ClientRequest, RequestId, RequestInput } from './requests.ts';
import { operatorTypes, requestSchemas, userScopedTypes } from './requests.ts';
import { HOUSE_USER_ID } from './house.ts';
import { brokerUsers } from './brokerUsers.ts';

/**
 * Who a connection acts as: the operator (ADMIN_API_KEY, may act for any user), one user (their api_key), a viewer
 * (a dashboard's socket, opened with a stream ticket: it may follow the public feeds and QUOTE, nothing else), or
 * nobody yet (an anonymous socket, named by its session, which may only ADD_USER and LOGIN).
 */
export type Principal = { kind: 'admin' } | { kind: 'user'; userId: string } | { kind: 'viewer' } | { kind: 'anonymous'; sessionId: string };

/** Headers the gateway stamps on what it publishes; the broker's `user-id` check proves they came from a gateway. */
export const authHeaders = {
  /** The principal, as encodePrincipal writes it. */
  principal: 'x-principal',
  /** ADD_USER and ROTATE_API_KEY: SHA-256 (hex) of the new key the gateway generated. The clear key never leaves it. */
  newKeyHash: 'x-api-key-sha256',
} as const;

export function encodePrincipal(principal: Principal): string {
  if (principal.kind === 'admin' || principal.kind === 'viewer') return principal.kind;
  return principal.kind === 'user' ? `user:${principal.userId}` : `session:${principal.sessionId}`;
}

const USER = /^user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const SESSION = /^session:([0-9a-zA-Z-]{1,64})$/;

export function decodePrincipal(text: unknown): Principal | undefined {
  if (text === 'admin') return { kind: 'admin' };
  if (text === 'viewer') return { kind: 'viewer' };
  if (typeof text !== 'string') return undefined;
  const user = USER.exec(text)?.[1];
  if (user) return { kind: 'user', userId: user };
  const session = SESSION.exec(text)?.[1];
  return session ? { kind: 'anonymous', sessionId: session } : undefined;
}

export type Authorization = { ok: true; request: ClientRequest } | { ok: false; code: ErrorCode; field?: string; message: string };

const isUserScoped = (type: string): boolean => (userScopedTypes as readonly string[]).includes(type);
const isOperatorOnly = (type: string): boolean => (operatorTypes as readonly string[]).includes(type);
/** Requests whose schema has no `user_id` act for nobody in particular (ADD_USER, QUOTE): a user's is sent as it is. */
const namesAUser = (type: RequestInput['type']): boolean => 'user_id' in requestSchemas[type].shape;
/** What anyone may ask about the house's account: the operator reads it; no request funds, trades or removes it. */
const houseReadable: ReadonlySet<string> = new Set(['USER_INFO', 'PORTFOLIO', 'TRADES', 'REPORT']);

/**
 * Whether `principal` may make `request`, and the request it then makes: a user's request without `user_id` acts
 * for that user, one naming anybody else is FORBIDDEN; the operator must name the user (REPORT without one is the
 * global report); an anonymous connection may only ADD_USER; a viewer only QUOTE (public prices); HALT and RESUME are the operator's; the house's account
 * (the counterparty of every trade) is only read, by the operator. The gateway and every service apply the same rule.
 */
export function authorize(principal: Principal, request: Exclude<RequestInput, { type: 'LOGIN' }>): Authorization {
  if (principal.kind === 'anonymous') {
    return request.type === 'ADD_USER'
      ? { ok: true, request }
      : { ok: false, code: 'UNAUTHENTICATED', message: 'authenticate first: send LOGIN with your api_key, or ADD_USER' };
  }
  if (principal.kind === 'viewer') {
    return request.type === 'QUOTE'
      ? { ok: true, request: request as ClientRequest }
      : { ok: false, code: 'FORBIDDEN', message: 'a stream ticket follows the public feeds only: it sends no request' };
  }
  const named = 'user_id' in request ? request.user_id : undefined;
  if (isOperatorOnly(request.type) && principal.kind !== 'admin') {
    return { ok: false, code: 'FORBIDDEN', message: `${request.type} is the operator's: it needs the operator's key` };
  }
  if (named === HOUSE_USER_ID && (principal.kind !== 'admin' || !houseReadable.has(request.type))) {
    return { ok: false, code: 'FORBIDDEN', field: 'user_id', message: 'the house account is read by the operator and changed only by trades' };
  }
  if (principal.kind === 'user') {
    if (named !== undefined && named !== principal.userId)
      return { ok: false, code: 'FORBIDDEN', field: 'user_id', message: 'this connection may act only for its own user' };
    if (!namesAUser(request.type)) return { ok: true, request: request as ClientRequest };
    return { ok: true, request: { ...request, user_id: principal.userId } as ClientRequest };
  }
  if (named === undefined && isUserScoped(request.type)) {
    return { ok: false, code: 'INVALID_REQUEST', field: 'user_id', message: 'user_id: is required when acting as the operator' };
  }
  return { ok: true, request: request as ClientRequest };
}

/**
 * The idempotency key of a request: who asked, for whom, and the request id with its JSON type, so the operator
 * acting for many users never collides with itself, a user cannot squat another's ids, and `77` differs from `"77"`.
 */
export function requestKey(principal: Principal, request: ClientRequest): string {
  const id: RequestId = request.id;
  const subject = 'user_id' in request && request.user_id !== undefined ? request.user_id : '-';
  return `${encodePrincipal(principal)}|${subject}|${typeof id === 'number' ? 'n' : 's'}:${id}`;
}

/** A new api key: 256 random bits, base64url, with a prefix that tells people what it is. */
export function newApiKey(): string {
  return `tk_${randomBytes(32).toString('base64url')}`;
}

/** What is stored and compared instead of a key: its SHA-256, hex. A random 256-bit key needs no slow hash. */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two key hashes in constant time. */
export function sameKeyHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

export const KEY_HASH = /^[0-9a-f]{64}$/;

/**
 * The principal a gateway stamped on a message, or undefined when the stamp cannot be trusted: only a message whose
 * AMQP `user-id` is the gateway's broker user (which the broker checks against the publishing connection) carries
 * a principal that a gateway authenticated.
 */
export function stampedPrincipal(publisher: string | undefined, headers: Record<string, unknown>): Principal | undefined {
  return publisher === brokerUsers.gateway ? decodePrincipal(headers[authHeaders.principal]) : undefined;
}

export type StampedAuthorization = { ok: true; principal: Principal; request: ClientRequest } | Extract<Authorization, { ok: false }>;

/**
 * What a service does with a request from the bus: believe only a gateway's stamp (stampedPrincipal), and apply the
 * gateway's rule again (authorize). No trustworthy stamp is FORBIDDEN: nothing is done for anyone.
 */
export function authorizeStamped(
  publisher: string | undefined,
  headers: Record<string, unknown>,
  request: Exclude<RequestInput, { type: 'LOGIN' }>,
): StampedAuthorization {
  const principal = stampedPrincipal(publisher, headers);
  if (!principal) return { ok: false, code: 'FORBIDDEN', message: 'the request carries no principal stamped by a gateway' };
  const verdict = authorize(principal, request);
  return verdict.ok ? { ok: true, principal, request: verdict.request } : verdict;
}

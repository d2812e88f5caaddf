import {
  Decimal,
  type DepositRequest,
  type ErrorCode,
  errorReply,
  okReply,
  type PaymentRequest,
  type RemoveUserRequest,
  type Reply,
  type RotateApiKeyRequest,
  type UserInfoRequest,
  type WithdrawRequest,
} from '@trading/contracts';
import type { Account, Change, RequestDecision, RequestState } from './domain.ts';

/** The requests that change state; USER_INFO only reads (see describeAccount). */
export type ChangingRequest = Exclude<PaymentRequest, UserInfoRequest>;

/**
 * When the request is decided, the id a new account gets, and for ADD_USER and ROTATE_API_KEY the SHA-256 of the
 * new key the gateway made (the reply carries it back as `api_key_sha256`, so the gateway can tell whether the key
 * it holds is the one stored: a re-sent request is answered with the first one's).
 */
export type RequestContext = { at: string; newUserId: string; newKeySha256: string };

/** Decides a client request on the account's state: the reply, the changes and the domain events. Pure. */
export function decideRequest(request: ChangingRequest, state: RequestState, context: RequestContext): RequestDecision {
  switch (request.type) {
    case 'ADD_USER': {
      const { newUserId: userId, newKeySha256: keySha256, at } = context;
      return {
        reply: okReply(request.id, request.type, 'user created', { user_id: userId, api_key_sha256: keySha256 }),
        changes: [
          { type: 'OpenAccount', userId, at },
          { type: 'IssueCredential', userId, keySha256, at },
        ],
        events: [
          { type: 'UserCreated', user_id: userId, at },
          { type: 'CredentialIssued', user_id: userId, at, key_sha256: keySha256 },
        ],
      };
    }
    case 'ROTATE_API_KEY':
      return state.account ? rotateKey(request, state.account, state.liveKey, context) : userNotFound(request);
    case 'DEPOSIT':
      return state.account ? deposit(request, state.account, context.at) : userNotFound(request);
    case 'WITHDRAW':
      return state.account ? withdraw(request, state.account, context.at) : userNotFound(request);
    case 'REMOVE_USER':
      return state.account ? removeUser(request, state, state.account, context.at) : userNotFound(request);
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}

/** The USER_INFO reply: `amount` is the available balance (the seed's name), `reserved` what BUY sagas hold. */
export function describeAccount(request: UserInfoRequest, account: Account | undefined): Reply {
  if (!account) return userNotFound(request).reply;
  const { userId, available, reserved, createdAt, streamSeq } = account;
  // account_seq: the last number of Payment's changes on the `account` stream that these balances include.
  return okReply(request.id, request.type, 'user info', { user_id: userId, amount: available, reserved, created_at: createdAt, account_seq: streamSeq });
}

function deposit(request: DepositRequest, account: Account, at: string): RequestDecision {
  const balance = new Decimal(account.available).plus(request.amount).toFixed();
  return {
    reply: okReply(request.id, request.type, 'funds deposited', { user_id: account.userId, amount: request.amount, balance }),
    changes: [{ type: 'MoveFunds', userId: account.userId, kind: 'DEPOSIT', available: request.amount, reserved: '0', at }],
    events: [{ type: 'FundsDeposited', user_id: account.userId, at, amount: request.amount, available: balance }],
  };
}

function withdraw(request: WithdrawRequest, account: Account, at: string): RequestDecision {
  const balance = new Decimal(account.available).minus(request.amount);
  if (balance.isNegative()) {
    const message = `cannot withdraw ${request.amount}: ${account.available} available`;
    return rejected(request, 'INSUFFICIENT_FUNDS', message, { user_id: account.userId, balance: account.available });
  }
  const delta = new Decimal(request.amount).neg().toFixed();
  return {
    reply: okReply(request.id, request.type, 'funds withdrawn', { user_id: account.userId, amount: request.amount, balance: balance.toFixed() }),
    changes: [{ type: 'MoveFunds', userId: account.userId, kind: 'WITHDRAWAL', available: delta, reserved: '0', at }],
    events: [{ type: 'FundsWithdrawn', user_id: account.userId, at, amount: request.amount, available: balance.toFixed() }],
  };
}

/** A new key replaces the live one, which is revoked in the same transaction (every gateway then closes its sockets). */
function rotateKey(request: RotateApiKeyRequest, account: Account, liveKey: string | undefined, context: RequestContext): RequestDecision {
  const { userId } = account;
  const { at, newKeySha256: keySha256 } = context;
  return {
    reply: okReply(request.id, request.type, 'api key rotated; the previous key no longer works', { user_id: userId, api_key_sha256: keySha256 }),
    changes: [...revoke(userId, liveKey, at), { type: 'IssueCredential', userId, keySha256, at }],
    events: [
      ...(liveKey ? [{ type: 'CredentialRevoked', user_id: userId, at, key_sha256: liveKey, reason: 'ROTATED' } as const] : []),
      { type: 'CredentialIssued', user_id: userId, at, key_sha256: keySha256 },
    ],
  };
}

const revoke = (userId: string, liveKey: string | undefined, at: string): Change[] =>
  liveKey ? [{ type: 'RevokeCredential', userId, keySha256: liveKey, at }] : [];

function removeUser(request: RemoveUserRequest, { heldAssets, liveKey }: RequestState, account: Account, at: string): RequestDecision {
  const { userId, available, reserved } = account;
  const left = [
    ...(new Decimal(available).isZero() ? [] : [`${available} available`]),
    ...(new Decimal(reserved).isZero() ? [] : [`${reserved} reserved`]),
    ...heldAssets.map((asset) => `${asset.quantity} ${asset.symbol}`),
  ];
  if (left.length > 0) {
    const message = `the account still holds ${left.join(', ')}; withdraw and sell it first`;
    return rejected(request, 'ACCOUNT_NOT_EMPTY', message, { user_id: userId, amount: available, reserved, holdings: heldAssets });
  }
  return {
    reply: okReply(request.id, request.type, 'user removed', { user_id: userId }),
    changes: [{ type: 'CloseAccount', userId, at }, ...revoke(userId, liveKey, at)],
    events: [
      { type: 'UserRemoved', user_id: userId, at },
      ...(liveKey ? [{ type: 'CredentialRevoked', user_id: userId, at, key_sha256: liveKey, reason: 'REMOVED' } as const] : []),
    ],
  };
}

function userNotFound(request: Exclude<PaymentRequest, { type: 'ADD_USER' }>): RequestDecision {
  return rejected(request, 'USER_NOT_FOUND', `no user ${request.user_id}`, { user_id: request.user_id });
}

function rejected(request: PaymentRequest, code: ErrorCode, message: string, fields: Record<string, unknown>): RequestDecision {
  return { reply: errorReply(request.id, request.type, code, message, fields), changes: [], events: [] };
}

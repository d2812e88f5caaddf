import {
  Decimal,
  type DepositRequest,
  type ErrorCode,
  errorReply,
  okReply,
  type PaymentRequest,
  type RemoveUserRequest,
  type Reply,
  type UserInfoRequest,
  type WithdrawRequest,
} from '@trading/contracts';
import type { Account, HeldAsset, RequestDecision, RequestState } from './domain.ts';

/** The requests that change state; USER_INFO only reads (see describeAccount). */
export type ChangingRequest = Exclude<PaymentRequest, UserInfoRequest>;

/** When the request is decided, and the id a new account gets. */
export type RequestContext = { at: string; newUserId: string };

/** Decides a client request on the account's state: the reply, the changes and the domain events. Pure. */
export function decideRequest(request: ChangingRequest, state: RequestState, context: RequestContext): RequestDecision {
  switch (request.type) {
    case 'ADD_USER': {
      const userId = context.newUserId;
      return {
        reply: okReply(request.id, request.type, 'user created', { user_id: userId }),
        changes: [{ type: 'OpenAccount', userId, at: context.at }],
        events: [{ type: 'UserCreated', user_id: userId, at: context.at }],
      };
    }
    case 'DEPOSIT':
      return state.account ? deposit(request, state.account, context.at) : userNotFound(request);
    case 'WITHDRAW':
      return state.account ? withdraw(request, state.account, context.at) : userNotFound(request);
    case 'REMOVE_USER':
      return state.account ? removeUser(request, state.account, state.heldAssets, context.at) : userNotFound(request);
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}

/** The USER_INFO reply: `amount` is the available balance (the seed's name), `reserved` what BUY sagas hold. */
export function describeAccount(request: UserInfoRequest, account: Account | undefined): Reply {
  if (!account) return userNotFound(request).reply;
  const { userId, available, reserved, createdAt } = account;
  return okReply(request.id, request.type, 'user info', { user_id: userId, amount: available, reserved, created_at: createdAt });
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

function removeUser(request: RemoveUserRequest, account: Account, heldAssets: HeldAsset[], at: string): RequestDecision {
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
    changes: [{ type: 'CloseAccount', userId, at }],
    events: [{ type: 'UserRemoved', user_id: userId, at }],
  };
}

function userNotFound(request: Exclude<PaymentRequest, { type: 'ADD_USER' }>): RequestDecision {
  return rejected(request, 'USER_NOT_FOUND', `no user ${request.user_id}`, { user_id: request.user_id });
}

function rejected(request: PaymentRequest, code: ErrorCode, message: string, fields: Record<string, unknown>): RequestDecision {
  return { reply: errorReply(request.id, request.type, code, message, fields), changes: [], events: [] };
}

/**
 * Every error code a client or another service can see, in one place. Tests assert codes, never texts.
 * `kind` says whose fault it is: the request's (client), the state of the world (conflict), or ours (unavailable).
 */
export const errorCodes = {
  // gateway: the request never reached a service
  INVALID_JSON: { kind: 'client', message: 'the frame is not valid JSON' },
  BINARY_FRAME: { kind: 'client', message: 'binary frames are not accepted; send JSON text' },
  UNKNOWN_TYPE: { kind: 'client', message: 'unknown request type' },
  INVALID_REQUEST: { kind: 'client', message: 'the request has a missing or malformed field' },
  INVALID_AMOUNT: { kind: 'client', message: 'the amount breaks a money rule' },
  RATE_LIMITED: { kind: 'client', message: 'too many requests: slow down and retry after retry_after_ms' },
  UNAUTHENTICATED: { kind: 'client', message: 'authenticate first: an Authorization: Bearer header at connect, or LOGIN with your api_key' },
  FORBIDDEN: { kind: 'client', message: 'this connection may not act for that user' },
  BROKER_BUSY: { kind: 'unavailable', message: 'the message broker is not accepting messages right now; retry later' },
  REPLY_TIMEOUT: { kind: 'unavailable', message: 'no reply in time: the outcome is not known yet; re-send the same id to learn it' },
  REPLY_LOST: {
    kind: 'unavailable',
    message: 'the gateway lost its broker connection, and the reply with it: the outcome is not known yet; re-send the same id to learn it',
  },
  SHUTTING_DOWN: { kind: 'unavailable', message: 'the gateway is shutting down; reconnect and re-send' },
  TOO_MANY_SUBSCRIPTIONS: { kind: 'client', message: 'this socket has as many subscriptions as it may; unsubscribe from one first' },
  SLOW_CONSUMER: { kind: 'client', message: 'the socket did not read its feed: the subscription was ended; read faster and subscribe again' },
  // any service
  DUPLICATE_REQUEST_ID: { kind: 'conflict', message: 'this id was already used for a different request' },
  INTERNAL: { kind: 'unavailable', message: 'internal error' },
  // payment
  USER_NOT_FOUND: { kind: 'conflict', message: 'no such user' },
  INSUFFICIENT_FUNDS: { kind: 'conflict', message: 'insufficient available funds' },
  ACCOUNT_NOT_EMPTY: { kind: 'conflict', message: 'the account still holds funds, reservations or holdings' },
  // trade
  SYMBOL_NOT_FOUND: { kind: 'client', message: 'unknown symbol' },
  MARKET_CLOSED: { kind: 'conflict', message: 'the market of this symbol is closed' },
  INSUFFICIENT_HOLDINGS: { kind: 'conflict', message: 'the user does not hold enough of this symbol' },
  SAGA_TIMEOUT: { kind: 'unavailable', message: 'a step of the trade did not answer in time; the trade was cancelled' },
  TRADE_FAILED: { kind: 'unavailable', message: 'the trade failed after funds were reserved and was rolled back' },
  PRICE_NOT_MARKETABLE: { kind: 'conflict', message: "the market price is beyond the order's limit; nothing was traded" },
  PRICE_UNAVAILABLE: { kind: 'unavailable', message: 'no recent market price for this symbol; retry when the market ticks' },
  PRICE_OUT_OF_BAND: { kind: 'client', message: 'the limit price is too far from the market price' },
  ORDER_TOO_LARGE: { kind: 'client', message: "the order's notional is above the symbol's maximum" },
  MARKET_HALTED: { kind: 'conflict', message: 'trading in this symbol is halted by the operator' },
  ORDER_NOT_FOUND: { kind: 'client', message: 'no order of this user has that order_id or request id' },
  // reporting
  TOO_MANY_STREAMS: { kind: 'unavailable', message: 'the live stream serves as many clients as it may; retry later' },
  QUERY_TOO_LARGE: { kind: 'client', message: 'the query covers too many events or runs too long: narrow it with from, to, user_id or symbol' },
  SAGA_NOT_FOUND: { kind: 'client', message: 'no saga you may see has this order id or request id' },
  AMBIGUOUS_REQUEST_ID: { kind: 'client', message: 'several sagas were placed under this request id: ask by one of their order ids' },
} as const satisfies Record<string, { kind: 'client' | 'conflict' | 'unavailable'; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

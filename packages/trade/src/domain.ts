import type { BuyRequest, ErrorCode, PaymentEvent, RequestId, SellRequest, TradeReaction } from '@trading/contracts';

/*
 * Trade's state and the inputs and steps of its sagas. Amounts are canonical decimal strings ("0.5"), never numbers.
 */

export type Order = BuyRequest | SellRequest;
export type Side = Order['type'];

/** Opening hours in UTC as 'HH:MM:SS'; open from `opens` through the last second of `closes`. */
export type Market = { name: string; opens: string; closes: string };
/**
 * A tradable symbol and its trading rules: prices on `priceTick`, quantities on `lotSize`, one order's notional at
 * most `maxNotional`. `referencePrice` is where the market's walk starts.
 */
export type Instrument = { symbol: string; referencePrice: string; priceTick: string; lotSize: string; maxNotional: string; market: Market };
export type Catalogue = ReadonlyMap<string, Instrument>;

export type SagaState = 'STARTED' | 'CAPTURING' | 'COMPENSATING' | 'COMPLETED' | 'REJECTED' | 'COMPENSATED' | 'TIMED_OUT';
/** States that still wait for an event; every other state is terminal and has its reply. */
export const openStates = ['STARTED', 'CAPTURING', 'COMPENSATING'] as const satisfies readonly SagaState[];

/** The latest price Trade holds for a symbol: a market tick (PriceTicked), with its seq and its time. */
export type Quote = { symbol: string; price: string; seq: number; at: Date };

/** A trade's figures: the executed price (a tick's), notional = price × quantity, the fee, and the tick's seq. */
export type Execution = { price: string; notional: string; fee: string; tickSeq: number };

/**
 * One BUY or SELL, and the event Trade announced at each state. BUY: STARTED (OrderAccepted) → CAPTURING (trade and
 * holding recorded: TradeRecorded) → COMPLETED; or REJECTED, COMPENSATING (OrderCancelled) → COMPENSATED, TIMED_OUT
 * (OrderExpired). SELL: STARTED (holding reserved, trade recorded: OrderAccepted, HoldingReserved, TradeRecorded) →
 * COMPLETED, or REJECTED with the holding restored and the trade voided.
 */
export type Saga = {
  id: string;
  requestId: RequestId;
  side: Side;
  userId: string;
  symbol: string;
  quantity: string;
  /** The client's limit; null for a market order. */
  limitPrice: string | null;
  /** The highest price a BUY may execute at, the lowest for a SELL: its limit, or a market order's collar. */
  priceBound: string;
  /** What a BUY reserved (priceBound × quantity + fee); null for a SELL. */
  reserved: string | null;
  /** The execution, once it happened (a SELL's at acceptance, a BUY's when its funds are reserved). */
  execution: Execution | null;
  marketOrder: boolean;
  state: SagaState;
  tradeId: string | null;
  failureCode: string | null;
  failureReason: string | null;
  createdAt: Date;
  /** When its funds (BUY) or holding (SELL) were reserved; unset until then, and on sagas older than 0016_streams. */
  reservedAt?: Date | null;
};

/** The events of Payment that Trade reacts to (reactions.ts). */
export type PaymentReaction = Extract<PaymentEvent, { type: TradeReaction }>;

/** What moves a saga on: Payment's events, a failed step of Trade's own, and its deadline passing. */
export type SagaInput = PaymentReaction | { type: 'StepFailed'; reason: string } | { type: 'DeadlinePassed' };

/**
 * The event of Trade's that a saga past its point of no return waits on Payment's reaction to; announced again at
 * each deadline (Payment takes each step once per saga, and answers again as it did).
 */
export type AwaitedEvent = 'TradeRecorded' | 'OrderCancelled' | 'OrderExpired';

/** What a saga does on an input: decided by decideStep (pure), carried out by runStep in the input's transaction. */
export type Step =
  /** BUY funds reserved and the price executable: record the trade and the holdings, announce TradeRecorded → CAPTURING. */
  | { kind: 'record'; execution: Execution }
  /** Funds captured (BUY) or credited (SELL): settle → COMPLETED, reply OK. */
  | { kind: 'complete' }
  /** Payment refused: undo what Trade did (SELL: restore the holding, void the trade) → REJECTED, reply ERROR. */
  | { kind: 'reject'; code: ErrorCode; reason: string }
  /** A step after the reservation failed, or the price is not executable: announce OrderCancelled → COMPENSATING. */
  | { kind: 'compensate'; code: ErrorCode; reason: string }
  /** Funds released after a failure → COMPENSATED, reply ERROR with the failure's code (TRADE_FAILED, PRICE_…). */
  | { kind: 'compensated' }
  /** No reservation in time: announce OrderExpired → TIMED_OUT, reply ERROR SAGA_TIMEOUT. */
  | { kind: 'timeOut' }
  /** Past the deadline after the point of no return: keep waiting, and announce the awaited event again. */
  | { kind: 'reannounce'; event: AwaitedEvent }
  /** A reservation arrived after the saga expired (Payment took the expiry first, then an acceptance it reserved for): announce the expiry again. */
  | { kind: 'releaseLate' }
  | { kind: 'ignore'; why: string };

/** A user's position in one symbol. `quantity` can be sold; `reserved` is held by SELL sagas in flight. */
export type Holding = { symbol: string; quantity: string; reserved: string; costBasis: string };

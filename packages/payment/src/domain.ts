import type { PaymentEvent, Reply, SagaCommandV1 } from '@trading/contracts';

/*
 * Payment's state and the changes its decisions make. Amounts are canonical decimal strings ("100.5"), never numbers.
 */

/** An open account. A removed account (removed_at set) is never loaded: it behaves as unknown. */
/** `streamSeq`: the last number of its changes on the `account` stream, as read (a decision never uses it). */
export type Account = { userId: string; available: string; reserved: string; createdAt: string; streamSeq: number };

export type ReservationStatus = 'RESERVED' | 'CAPTURED' | 'RELEASED';
/** Funds held for one BUY saga. A RELEASED reservation of amount 0 marks a saga released before its funds were reserved. */
export type Reservation = { sagaId: string; userId: string; amount: string; status: ReservationStatus };

/** Payment's projection of what a user holds (held_asset: the quantities of the trades Trade reports). */
export type HeldAsset = { symbol: string; quantity: string };

/** TRADE and FEE are the house's rows: its side of a trade's notional, and the fee it earns. */
export type LedgerKind = 'DEPOSIT' | 'WITHDRAWAL' | 'RESERVE' | 'RELEASE' | 'CAPTURE' | 'CREDIT' | 'TRADE' | 'FEE';

/** What a decision changes; the store turns each into SQL in the message's transaction. */
export type Change =
  | { type: 'OpenAccount'; userId: string; at: string }
  | { type: 'CloseAccount'; userId: string; at: string }
  /** Signed deltas of the two balances, written to the account and appended to the ledger. */
  | { type: 'MoveFunds'; userId: string; kind: LedgerKind; available: string; reserved: string; sagaId?: string; at: string }
  | { type: 'SetReservation'; sagaId: string; userId: string; amount: string; status: ReservationStatus; at: string }
  /** Signed delta of a held quantity. */
  | { type: 'AdjustHeldAsset'; userId: string; symbol: string; quantity: string }
  /** An api key, as its SHA-256; `RevokeCredential` ends the user's live one. */
  | { type: 'IssueCredential'; userId: string; keySha256: string; at: string }
  | { type: 'RevokeCredential'; userId: string; keySha256: string; at: string };

/** The state a client request is decided on, read (and locked) in its transaction; `liveKey` is the SHA-256 of the user's key. */
export type RequestState = { account: Account | undefined; heldAssets: HeldAsset[]; liveKey: string | undefined };
/**
 * Payment's own step in a BUY or SELL saga, taken in reaction to one of Trade's events (readFundsStep): reserve a
 * BUY's funds, capture them, release them, or credit a SELL. Its `type` and fields are those of the schema version 1
 * command that asked for the same step, so that a step applied from such a command is recognised (same inbox key,
 * same hash) when Trade's event announces it again after an upgrade.
 */
export type FundsStep = SagaCommandV1;

/** The state a saga step is decided on, read (and locked) in its transaction. */
export type StepState = { account: Account | undefined; reservation: Reservation | undefined };

export type RequestDecision = { reply: Reply; changes: Change[]; events: PaymentEvent[] };
/** `refused`: the event contradicts the saga's state (a protocol error of its sender); it is dead-lettered. */
export type StepDecision = { event: PaymentEvent; changes: Change[] } | { refused: string };

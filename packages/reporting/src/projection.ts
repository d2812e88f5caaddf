import { Decimal, type DomainEvent } from '@trading/contracts';

/*
 * The statistics as additive deltas: an event (or a run of events) becomes a ProjectionDelta, which the SQL
 * adapter adds onto the projection tables. Live updates fold one event, the rebuild folds the whole store,
 * so both go through the same arithmetic.
 */
export type SymbolFigures = { trades: number; quantityBought: Decimal; quantitySold: Decimal; notional: Decimal };
export type UserFigures = { trades: number; deposits: number; deposited: Decimal; withdrawals: number; withdrawn: Decimal; netCashFlow: Decimal };
export type OutcomeFigures = { count: number; lastReason: string | null };
export type SagaDuration = { outcome: string; durationMs: number };
export type MinuteFigures = { events: number; trades: number };
/**
 * An api key hash as Payment's credential events describe it. Each time is the earliest seen, so the figures are
 * the same whatever order the events are applied in (ISO strings from the events).
 */
export type CredentialFigures = { userId: string; issuedAt: string | null; revokedAt: string | null };
/** The house's cash and the fees among it: what a BUY's capture brings in, less what a SELL's credit pays out. */
export type HouseFigures = { cash: Decimal; fees: Decimal };

export type ProjectionDelta = {
  symbols: Map<string, SymbolFigures>;
  users: Map<string, UserFigures>;
  /** Keyed by `userId symbol`. */
  holdings: Map<string, Decimal>;
  /** Keyed by `outcome code`; code is '' for COMPLETED. */
  outcomes: Map<string, OutcomeFigures>;
  durations: Map<string, SagaDuration>;
  /** Keyed by the ISO start of the minute. */
  minutes: Map<string, MinuteFigures>;
  eventTypes: Map<string, number>;
  /** Keyed by key_sha256: a projection of Payment's credentials, which counts as events but moves no money. */
  credentials: Map<string, CredentialFigures>;
  /** Null while no capture or credit was folded. */
  house: HouseFigures | null;
  /** The house's positions, keyed by symbol: the other side of each completed trade. */
  housePositions: Map<string, Decimal>;
};

const ZERO = new Decimal(0);

export const pairKey = (a: string, b: string): string => `${a} ${b}`;

export function foldEvents(events: Iterable<DomainEvent>): ProjectionDelta {
  const delta: ProjectionDelta = {
    symbols: new Map(),
    users: new Map(),
    holdings: new Map(),
    outcomes: new Map(),
    durations: new Map(),
    minutes: new Map(),
    eventTypes: new Map(),
    credentials: new Map(),
    house: null,
    housePositions: new Map(),
  };
  for (const event of events) addEvent(delta, event);
  return delta;
}

function addEvent(delta: ProjectionDelta, event: DomainEvent): void {
  delta.eventTypes.set(event.type, (delta.eventTypes.get(event.type) ?? 0) + 1);
  const minute = minuteOf(delta, event.at);
  minute.events += 1;
  const user = userOf(delta, event.user_id);
  switch (event.type) {
    case 'FundsDeposited':
      user.deposits += 1;
      user.deposited = user.deposited.add(event.amount);
      user.netCashFlow = user.netCashFlow.add(event.amount);
      return;
    case 'FundsWithdrawn':
      user.withdrawals += 1;
      user.withdrawn = user.withdrawn.add(event.amount);
      user.netCashFlow = user.netCashFlow.sub(event.amount);
      return;
    case 'SagaCompleted': {
      const buy = event.side === 'BUY';
      const symbol = symbolOf(delta, event.symbol);
      symbol.trades += 1;
      symbol.notional = symbol.notional.add(event.notional);
      if (buy) symbol.quantityBought = symbol.quantityBought.add(event.quantity);
      else symbol.quantitySold = symbol.quantitySold.add(event.quantity);
      user.trades += 1;
      // The user pays notional + fee for a BUY, and receives notional - fee for a SELL.
      user.netCashFlow = (buy ? user.netCashFlow.sub(event.notional) : user.netCashFlow.add(event.notional)).sub(event.fee ?? 0);
      const holding = pairKey(event.user_id, event.symbol);
      const held = delta.holdings.get(holding) ?? ZERO;
      delta.holdings.set(holding, buy ? held.add(event.quantity) : held.sub(event.quantity));
      const house = delta.housePositions.get(event.symbol) ?? ZERO;
      delta.housePositions.set(event.symbol, buy ? house.sub(event.quantity) : house.add(event.quantity));
      minute.trades += 1;
      addOutcome(delta, event.saga_id, 'COMPLETED', '', null, event.duration_ms);
      return;
    }
    case 'SagaFailed':
      addOutcome(delta, event.saga_id, event.outcome, event.code, event.reason, event.duration_ms);
      return;
    case 'CredentialIssued':
      return addCredential(delta, event, 'issuedAt');
    case 'CredentialRevoked':
      return addCredential(delta, event, 'revokedAt');
    case 'FundsCaptured':
      return addHouseCash(delta, new Decimal(event.amount), event.fee);
    case 'FundsCredited': {
      const fee = event.fee ?? '0';
      return addHouseCash(delta, new Decimal(event.amount).sub(fee).neg(), fee);
    }
    case 'UserCreated':
    case 'UserRemoved':
    case 'FundsReserved':
    case 'FundsRejected':
    case 'FundsReleased':
    case 'CreditRejected':
    case 'OrderAccepted':
    case 'HoldingReserved':
    case 'TradeRecorded':
    case 'OrderCancelled':
    case 'OrderExpired':
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function addOutcome(delta: ProjectionDelta, sagaId: string, outcome: string, code: string, reason: string | null, durationMs: number): void {
  const key = pairKey(outcome, code);
  const figures = delta.outcomes.get(key) ?? { count: 0, lastReason: null };
  delta.outcomes.set(key, { count: figures.count + 1, lastReason: reason ?? figures.lastReason });
  delta.durations.set(sagaId, { outcome, durationMs });
}

/** `amount` into the house's cash (negative: out of it), `fee` of it the house's fee. */
function addHouseCash(delta: ProjectionDelta, amount: Decimal, fee: string | undefined): void {
  const house = delta.house ?? { cash: ZERO, fees: ZERO };
  delta.house = { cash: house.cash.add(amount), fees: house.fees.add(fee ?? 0) };
}

function minuteOf(delta: ProjectionDelta, at: string): MinuteFigures {
  const start = new Date(at);
  start.setUTCSeconds(0, 0);
  const key = start.toISOString();
  let figures = delta.minutes.get(key);
  if (!figures) delta.minutes.set(key, (figures = { events: 0, trades: 0 }));
  return figures;
}

function userOf(delta: ProjectionDelta, userId: string): UserFigures {
  let figures = delta.users.get(userId);
  if (!figures) {
    figures = { trades: 0, deposits: 0, deposited: ZERO, withdrawals: 0, withdrawn: ZERO, netCashFlow: ZERO };
    delta.users.set(userId, figures);
  }
  return figures;
}

function symbolOf(delta: ProjectionDelta, symbol: string): SymbolFigures {
  let figures = delta.symbols.get(symbol);
  if (!figures) delta.symbols.set(symbol, (figures = { trades: 0, quantityBought: ZERO, quantitySold: ZERO, notional: ZERO }));
  return figures;
}

type CredentialEvent = Extract<DomainEvent, { type: 'CredentialIssued' | 'CredentialRevoked' }>;

function addCredential(delta: ProjectionDelta, event: CredentialEvent, moment: 'issuedAt' | 'revokedAt'): void {
  let figures = delta.credentials.get(event.key_sha256);
  if (!figures) delta.credentials.set(event.key_sha256, (figures = { userId: event.user_id, issuedAt: null, revokedAt: null }));
  figures[moment] = earliest(figures[moment], event.at);
}

/** The earlier of two instants (null is "not yet"), as the store's LEAST keeps it. */
function earliest(current: string | null, at: string): string {
  return current !== null && Date.parse(current) <= Date.parse(at) ? current : at;
}

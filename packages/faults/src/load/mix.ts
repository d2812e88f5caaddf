import { Decimal } from '@trading/contracts';

export type LoadRequestType = 'ADD_USER' | 'DEPOSIT' | 'WITHDRAW' | 'BUY' | 'SELL' | 'USER_INFO' | 'QUOTE';
/** Relative weights of the request types a load sends once its users exist. */
export type Mix = Partial<Record<LoadRequestType, number>>;

/** QUOTE keeps each client's prices fresh, so its limits stay near the market. */
export const DEFAULT_MIX: Mix = { ADD_USER: 1, DEPOSIT: 5, WITHDRAW: 3, BUY: 6, SELL: 4, USER_INFO: 1, QUOTE: 2 };
/** Crypto symbols of the seed: their market is open around the clock (tests also set MARKETS_ALWAYS_OPEN). */
export const DEFAULT_SYMBOLS = ['BTC', 'ETH', 'XRP'] as const;

/** A small seeded PRNG (mulberry32): the same seed sends the same requests. */
export { seededRandom } from '@trading/platform';

/** A decimal string in [min, max] with `scale` fractional digits, built from integers (no float money). */
export function randomAmount(random: () => number, min: string, max: string, scale: number): string {
  const unit = new Decimal(10).pow(scale);
  const low = new Decimal(min).mul(unit).toNumber();
  const high = new Decimal(max).mul(unit).toNumber();
  return new Decimal(low + Math.floor(random() * (high - low + 1))).div(unit).toFixed();
}

export function pickWeighted<T extends string>(random: () => number, weights: Partial<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, weight] of entries) {
    roll -= weight;
    if (roll < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

/** The last price a client was quoted, per symbol. */
export type Quotes = ReadonlyMap<string, string>;
/** What a client's users hold as far as it knows (its OK BUYs less its OK SELLs), by `user/symbol`. */
export type Held = ReadonlyMap<string, string>;
export const heldKey = (userId: string | undefined, symbol: string): string => `${userId}/${symbol}`;

/**
 * An order's quantity: a notional of 5 to 400 at the quoted price, on a lot grid of 4 decimals (every symbol's lot
 * divides 0.0001), at least one lot.
 */
function orderAmount(random: () => number, price: string): string {
  const notional = randomAmount(random, '5', '400', 2);
  return Decimal.max(new Decimal(notional).div(price).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001').toFixed();
}

/** A tenth to all of a holding, on the 4-decimal lot grid, at least one lot. */
function partOf(random: () => number, holding: string): string {
  const share = new Decimal(Math.floor(random() * 10) + 1).div(10);
  return Decimal.max(new Decimal(holding).mul(share).toDecimalPlaces(4, Decimal.ROUND_DOWN), '0.0001').toFixed();
}

/**
 * A limit near the quote: BUY up to 0.5 % below it (often not marketable) to 2 % above it, SELL the mirror image, well
 * inside the price band. It keeps the quote's decimals, at least 2: on the tick grid of every symbol whose tick is
 * 0.01 or 0.0001, as the quote itself is.
 */
export function limitNear(random: () => number, side: 'BUY' | 'SELL', quote: string): string {
  const bps = Math.floor(random() * 251) - 50;
  const factor = new Decimal(10_000 + (side === 'BUY' ? bps : -bps)).div(10_000);
  const decimals = Math.max(2, new Decimal(quote).decimalPlaces());
  return new Decimal(quote).mul(factor).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP).toFixed();
}

/** A market order or a limit near the quote, of `amount` or a notional's worth; a QUOTE while the symbol has none. */
function order(random: () => number, type: 'BUY' | 'SELL', userId: string | undefined, symbol: string, quotes: Quotes, amount?: string) {
  const quote = quotes.get(symbol);
  if (quote === undefined) return { type: 'QUOTE' as const, symbol };
  const quantity = amount ?? orderAmount(random, quote);
  return random() < 0.5
    ? { type, user_id: userId, symbol, amount: quantity }
    : { type, user_id: userId, symbol, amount: quantity, price: limitNear(random, type, quote) };
}

/**
 * The body (without id) of one request of `type` for `userId`: small amounts, so most succeed and some are refused.
 * Orders trade at market prices: half are market orders (no price), half have a limit near the client's quote. A
 * symbol the client has no quote for yet is quoted instead. A SELL sells part of a holding the client knows its user
 * has, if any.
 */
export function requestBody(
  random: () => number,
  type: LoadRequestType,
  userId: string | undefined,
  symbols: readonly string[],
  quotes: Quotes,
  held: Held = new Map(),
) {
  const symbol = symbols[Math.floor(random() * symbols.length)]!;
  switch (type) {
    case 'ADD_USER':
      return { type };
    case 'USER_INFO':
      return { type, user_id: userId };
    case 'QUOTE':
      return { type, symbol };
    case 'DEPOSIT':
      return { type, user_id: userId, amount: randomAmount(random, '50', '2000', 2) };
    case 'WITHDRAW':
      return { type, user_id: userId, amount: randomAmount(random, '1', '1500', 2) };
    case 'BUY':
      return order(random, type, userId, symbol, quotes);
    case 'SELL': {
      const owned = symbols.filter((s) => held.has(heldKey(userId, s)));
      if (owned.length === 0) return order(random, type, userId, symbol, quotes);
      const sold = owned[Math.floor(random() * owned.length)]!;
      return order(random, type, userId, sold, quotes, partOf(random, held.get(heldKey(userId, sold))!));
    }
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

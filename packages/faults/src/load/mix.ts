import { Decimal } from '@trading/contracts';

export type LoadRequestType = 'ADD_USER' | 'DEPOSIT' | 'WITHDRAW' | 'BUY' | 'SELL' | 'USER_INFO';
/** Relative weights of the request types a load sends once its users exist. */
export type Mix = Partial<Record<LoadRequestType, number>>;

export const DEFAULT_MIX: Mix = { ADD_USER: 1, DEPOSIT: 5, WITHDRAW: 3, BUY: 6, SELL: 4, USER_INFO: 1 };
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

/** The body (without id) of one request of `type` for `userId`: small amounts, so most succeed and some are refused. */
export function requestBody(random: () => number, type: LoadRequestType, userId: string | undefined, symbols: readonly string[]) {
  const symbol = symbols[Math.floor(random() * symbols.length)];
  switch (type) {
    case 'ADD_USER':
      return { type };
    case 'USER_INFO':
      return { type, user_id: userId };
    case 'DEPOSIT':
      return { type, user_id: userId, amount: randomAmount(random, '50', '2000', 2) };
    case 'WITHDRAW':
      return { type, user_id: userId, amount: randomAmount(random, '1', '1500', 2) };
    case 'BUY':
      return { type, user_id: userId, symbol, amount: randomAmount(random, '0.01', '2', 4), price: randomAmount(random, '1', '100', 2) };
    case 'SELL':
      return { type, user_id: userId, symbol, amount: randomAmount(random, '0.01', '1', 4), price: randomAmount(random, '1', '100', 2) };
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

import { baseConfigShape, ownDatabaseShape, booleanSetting, inboxRetentionShape, operatorConfigShape, partitionsConfigShape } from '@trading/platform';
import { z } from 'zod';

/** The Trade service's settings, read once by main.ts through loadConfig. */
export const tradeConfigShape = {
  ...baseConfigShape,
  ...ownDatabaseShape('trade'),
  ...inboxRetentionShape,
  ...partitionsConfigShape,
  ...operatorConfigShape('trade'),
  /** How long a saga waits for Payment's next answer. */
  SAGA_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  /** How often sagas past their deadline are looked for. */
  SAGA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** The house's fee on every trade, in basis points of the notional (1/10 000). */
  TRADE_FEE_BPS: z.coerce.number().int().min(0).max(1000).default(0),
  /** How far a market order (no `price`) may trade from the last price, in basis points: its collar. */
  MARKET_COLLAR_BPS: z.coerce.number().int().min(1).max(5000).default(100),
  /** A market price older than this (on the wall clock) is not traded on: PRICE_UNAVAILABLE. */
  PRICE_MAX_AGE_MS: z.coerce.number().int().min(100).max(86_400_000).default(10_000),
  /**
   * At start, how long Trade waits for the market's first prices before it consumes its queue, so that no order is
   * refused PRICE_UNAVAILABLE (nor a reserved BUY compensated) for the price book being empty; 0 consumes at once.
   */
  PRICE_WARMUP_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  /** A limit further than this percentage from the market price is refused: PRICE_OUT_OF_BAND. */
  PRICE_BAND_PCT: z.coerce.number().min(0.01).max(100).default(10),
  /** The dead-letter queue's depth at which an alarm is logged (Trade watches it for every service). */
  DEAD_LETTER_ALARM_DEPTH: z.coerce.number().int().min(1).max(10_000_000).default(100),
  /** How often the dead-letter queue's depth is read. */
  DEAD_LETTER_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Demos at any hour: every market is open. */
  MARKETS_ALWAYS_OPEN: booleanSetting.default(false),
  /** Tests and demos: the clock starts at this instant (e.g. 2026-01-05T20:00:00Z) and runs on from there. */
  CLOCK_FIXED_AT: z.iso.datetime({ offset: true }).optional(),
  /** Fault injection for tests: comma-separated symbols whose BUY trade recording fails after the reservation. */
  TRADE_FAIL_RECORDING_FOR: z
    .string()
    .default('')
    .transform(
      (list) =>
        new Set(
          list
            .split(',')
            .map((symbol) => symbol.trim().toUpperCase())
            .filter(Boolean),
        ),
    ),
};

/** The service's clock: the real one, or one that starts at `startAt` and advances in real time. */
export function clockFrom(startAt: string | undefined): () => Date {
  if (startAt === undefined) return () => new Date();
  const offsetMs = new Date(startAt).getTime() - Date.now();
  return () => new Date(Date.now() + offsetMs);
}

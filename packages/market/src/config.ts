import { baseConfigShape, ownDatabaseShape, booleanSetting, operatorConfigShape } from '@trading/platform';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The market service's settings, read once by main.ts through loadConfig. */
export const marketConfigShape = {
  ...baseConfigShape,
  ...ownDatabaseShape('market'),
  ...operatorConfigShape('market'),
  /** `simulated`: the seeded random walk; `csv`: replay MARKET_CSV_FILE. */
  MARKET_SOURCE: z.enum(['simulated', 'csv']).default('simulated'),
  /** The replay file for MARKET_SOURCE=csv: `at_offset_ms,symbol,price` (sample: packages/market/data/ticks.csv). */
  MARKET_CSV_FILE: z.string().min(1).optional(),
  /** Annualised volatility σ of the walk (0.6: crypto-like). */
  MARKET_VOLATILITY: z.coerce.number().min(0).max(10).default(0.6),
  /** Annualised drift μ of the walk. */
  MARKET_DRIFT: z.coerce.number().min(-10).max(10).default(0),
  /** One step of the walk, for every open symbol; with csv, the pause before the file plays again. */
  MARKET_TICK_INTERVAL_MS: ms(10, 3_600_000, 1000),
  /** The walk's seed (0 … 2^32−1): the same seed gives the same prices. Unset: random at start, logged. */
  MARKET_SEED: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  /** How often the leader deletes ticks past MARKET_TICK_RETENTION_HOURS. */
  MARKET_PRUNE_INTERVAL_MS: ms(10, 3_600_000, 60_000),
  /** How long stored ticks are kept; each symbol's latest is kept however old. */
  MARKET_TICK_RETENTION_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 365)
    .default(24),
  /** How often a standby tries to become the leader. */
  MARKET_LEADER_RETRY_MS: ms(50, 60_000, 3000),
  /** Demos at any hour: every market is open, as Trade's setting of the same name. */
  MARKETS_ALWAYS_OPEN: booleanSetting.default(false),
};

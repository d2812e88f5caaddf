import { Decimal } from '@trading/contracts';
import { baseConfigShape, booleanSetting, ConfigError, commaSeparated } from '@trading/platform';
import { z } from 'zod';

/** A target rate in sagas per second, or `max` for flat out. */
const rate = z.union([z.literal('max'), z.coerce.number().int().min(1).max(100_000)]);

/** The bench's settings: environment variables, or the same names as flags (`--rates 500,max` is BENCH_RATES). */
export const benchConfigShape = {
  ...baseConfigShape,
  LOG_LEVEL: baseConfigShape.LOG_LEVEL.unwrap().default('warn'),
  GATEWAY_URL: z.string().url().default('ws://127.0.0.1:3000'),
  /**
   * Several gateways (STACK_INSTANCES=2 npm start: ws://127.0.0.1:3000,ws://127.0.0.1:3010), used instead of
   * GATEWAY_URL: socket i starts on the i-th and moves to the next when its gateway goes away, re-sending what is
   * unanswered with its id.
   */
  GATEWAY_URLS: commaSeparated(z.string().url()).optional(),
  /** The operator's key (npm start prints it): the bench acts for its many users with it, exempt from the rate limits. */
  ADMIN_API_KEY: z.string({ message: 'is required: the operator key `npm start` printed (npm run bench reads it while that stack runs)' }).min(32),
  /** The gateway process to measure in idle mode; found through the port's listener when unset. */
  GATEWAY_PID: z.coerce.number().int().min(1).optional(),
  /**
   * `sagas`: rate steps, baselines and the chart. `idle`: hold idle connections and read the gateway's memory.
   * `query-flood`: the last of BENCH_RATES without, then with, a flood of REPORTs and /api/report calls.
   * `hot-account`: one account's DEPOSITs and BUYs against many accounts', and the others' latency beside it.
   * `fan-out`: the live ticker's deliveries per second to many subscribers, and the gateway's CPU for them.
   */
  BENCH_MODE: z.enum(['sagas', 'idle', 'query-flood', 'hot-account', 'fan-out']).default('sagas'),
  /** Fan-out: sockets following the ticker of every one of BENCH_SYMBOLS (the market's MARKET_TICK_INTERVAL_MS sets the rate). */
  BENCH_FANOUT_SUBSCRIBERS: z.coerce.number().int().min(1).max(50_000).default(1000),
  /** Hot account: the many accounts (a socket each), the requests in flight in a flat-out step, the others' paced rate. */
  BENCH_HOT_ACCOUNTS: z.coerce.number().int().min(2).max(1000).default(64),
  BENCH_HOT_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(200),
  BENCH_HOT_OTHERS_RATE: z.coerce.number().min(1).max(10_000).default(100),
  /** Hot account: the busy account's paced DEPOSITs per second beside the others, in the latency step. */
  BENCH_HOT_RATE: z.coerce.number().min(1).max(100_000).default(250),
  /** Hot account: the quantity of every BUY (a market order on the first of BENCH_SYMBOLS). */
  BENCH_HOT_QUANTITY: z
    .string()
    .regex(/^\d+(\.\d{1,4})?$/)
    .default('0.0001'),
  /** Reporting's HTTP API, for the query flood. */
  REPORTING_URL: z.string().url().default('http://127.0.0.1:3002'),
  /** The flood: sockets sending REPORTs, REPORTs in flight on each, HTTP clients calling /api/report in a loop. */
  BENCH_FLOOD_SOCKETS: z.coerce.number().int().min(1).max(1000).default(4),
  BENCH_FLOOD_DEPTH: z.coerce.number().int().min(1).max(256).default(50),
  BENCH_FLOOD_HTTP: z.coerce.number().int().min(0).max(1000).default(16),
  /** One measured step per rate, in order; `max` runs flat out with BENCH_DEPTH requests in flight per connection. */
  BENCH_RATES: commaSeparated(rate).prefault('250,500,750,max'),
  BENCH_DURATION_S: z.coerce.number().min(0.2).max(600).default(10),
  BENCH_WARMUP_S: z.coerce.number().min(0).max(60).default(2),
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(5000).default(50),
  BENCH_DEPTH: z.coerce.number().int().min(1).max(256).default(8),
  BENCH_USERS: z.coerce.number().int().min(1).max(100_000).default(200),
  BENCH_MIX: z.enum(['both', 'buy']).default('both'),
  BENCH_SYMBOLS: commaSeparated(
    z
      .string()
      .regex(/^[A-Za-z0-9]{1,16}$/)
      .transform((s) => s.toUpperCase()),
  ).prefault('BTC,ETH'),
  /**
   * Of every order (a market order: no price, it trades at the market's). At most 4 decimals: a multiple of 0.0001,
   * the lot size every symbol accepts.
   */
  BENCH_QUANTITY: z
    .string()
    .regex(/^\d+(\.\d{1,4})?$/, { message: 'must be a decimal with at most 4 decimals (a multiple of 0.0001, every symbol’s lot)' })
    .refine((text) => new Decimal(text).gt(0), { message: 'must be above 0' })
    .default('0.01'),
  BENCH_REPLY_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  BENCH_BASELINES: booleanSetting.default(true),
  BENCH_BASELINE_MESSAGES: z.coerce.number().int().min(10).default(20_000),
  BENCH_BASELINE_TRANSACTIONS: z.coerce.number().int().min(10).default(10_000),
  /** Where the throughput/latency chart is written, relative to the repository root; `none` for no chart. */
  BENCH_CHART: z.string().min(1).default('docs/bench-throughput-latency.svg'),
  BENCH_IDLE_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  BENCH_IDLE_HOLD_S: z.coerce.number().min(0).max(600).default(10),
};

export type BenchConfig = Readonly<z.output<z.ZodObject<typeof benchConfigShape>>>;
export type Rate = z.output<typeof rate>;

/**
 * Turns `--rates 500,max --gateway-url ws://…` (or `--rates=500`) into environment keys: a flag names a key of
 * the shape, with or without its BENCH_ prefix. An unknown flag fails with the list of known ones.
 */
export function flagsToEnv(argv: readonly string[], keys: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') continue;
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1]?.toUpperCase().replaceAll('-', '_');
    const key = name && [name, `BENCH_${name}`].find((k) => keys.includes(k));
    if (!match || !key) throw new ConfigError(`unknown argument ${arg}; flags: ${keys.map(flagName).join(' ')}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag ${arg} needs a value`);
    env[key] = value;
  }
  return env;
}

const flagName = (key: string) =>
  `--${key
    .replace(/^BENCH_/, '')
    .toLowerCase()
    .replaceAll('_', '-')}`;

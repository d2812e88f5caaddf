import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** Settings every service shares. Each service extends this with its own keys. */
export const baseConfigShape = {
  /**
   * The broker, vhost and the service's own broker user (brokerUsers): `npm start`, the testkit and docker-compose.yml
   * give each service its own (SECURITY.md). The default, the broker's admin, is for a service started by hand.
   */
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/trading'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unacked deliveries per consumer; Trade and Payment also apply up to this many in one transaction (docs/bench-log.md). */
  PREFETCH: z.coerce.number().int().min(1).max(1000).default(500),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** An OTLP/HTTP collector (a Jaeger all-in-one: http://127.0.0.1:4318): when set, spans are sent there (startTracing). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** How long spans wait to be sent together, in milliseconds. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).max(60_000).default(5000),
};

/**
 * The inbox's retention, for the services that keep one (Payment and Trade): a key is kept this long, then removed
 * by the pruning job of @trading/db; a re-send older than the window is treated as a new request.
 */
export const inboxRetentionShape = {
  /** How long a request or command key is remembered: seven days. */
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(168),
  /** How often expired keys are looked for. */
  INBOX_PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** Most keys removed by one DELETE (one short transaction). */
  INBOX_PRUNE_BATCH: z.coerce.number().int().min(1).max(100_000).default(1000),
};

/** The settings of inboxRetentionShape as the pruning job of @trading/db takes them. */
export function inboxPruningSettings(config: { INBOX_RETENTION_HOURS: number; INBOX_PRUNE_INTERVAL_MS: number; INBOX_PRUNE_BATCH: number }) {
  return {
    retention: { retentionHours: config.INBOX_RETENTION_HOURS, batch: config.INBOX_PRUNE_BATCH },
    intervalMs: config.INBOX_PRUNE_INTERVAL_MS,
  };
}

export const booleanSetting = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Reads the keys of `shape` from the environment once, applies defaults, and returns a frozen object.
 * Keys outside the shape are never read. A wrong value fails with one line naming the variable.
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<z.ZodObject<S>>> {
  const picked = Object.fromEntries(Object.keys(shape).flatMap((key) => (env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]])));
  const parsed = z.strictObject(shape).safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * A comma-separated setting as the list of its items, trimmed, blanks dropped; `item` checks each (a list of URLs,
 * symbols, rates). Bound its length with `.refine` where it matters.
 */
export const commaSeparated = <T extends z.ZodType>(item: T) =>
  z.string().transform((text, ctx) => {
    const parts = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const parsed = parts.map((part) => item.safeParse(part));
    const bad = parsed.findIndex((p) => !p.success);
    if (bad < 0) return parsed.map((p) => p.data as z.output<T>);
    ctx.addIssue({ code: 'custom', message: `"${parts[bad]}" (item ${bad + 1}) is not valid: ${parsed[bad]?.error?.issues[0]?.message ?? ''}` });
    return z.NEVER;
  });

/** Settings every service shares. Each service extends this with its own keys. */
export const baseConfigShape = {
  /**
   * The broker, vhost and the service's own broker user (brokerUsers): `npm start`, the testkit and docker-compose.yml
   * give each service its own (SECURITY.md). The default, the broker's admin, is for a service started by hand.
   */
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  /**
   * A RabbitMQ cluster's nodes, comma-separated, each as AMQP_URL would name it (the same user and vhost); when set it
   * replaces AMQP_URL, and a lost connection moves to the next node (`pnpm cluster up` prints them).
   */
  AMQP_URLS: commaSeparated(z.string().url())
    .refine((urls) => urls.length > 0, 'name at least one node')
    .optional(),
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

/** The services that own a database schema (named after the service), and so may have a database of their own. */
export const databaseOwners = ['payment', 'trade', 'reporting', 'market'] as const;
export type DatabaseOwner = (typeof databaseOwners)[number];

/**
 * A service's own database: <SERVICE>_DATABASE_URL (PAYMENT_DATABASE_URL, …), validated with the rest of its config.
 * Unset, the service uses DATABASE_URL, so with none set every service shares the one database, as before the split.
 */
export function ownDatabaseShape<S extends DatabaseOwner>(service: S) {
  return { [`${service.toUpperCase()}_DATABASE_URL`]: z.string().url().optional() } as Record<`${Uppercase<S>}_DATABASE_URL`, z.ZodOptional<z.ZodString>>;
}

/** The database a service connects to: its own URL (ownDatabaseShape) when set, else DATABASE_URL. */
export function ownDatabaseUrl<S extends DatabaseOwner>(
  config: { DATABASE_URL: string } & Partial<Record<`${Uppercase<S>}_DATABASE_URL`, string>>,
  service: S,
): string {
  return config[`${service.toUpperCase() as Uppercase<S>}_DATABASE_URL`] ?? config.DATABASE_URL;
}

/** Every owner's database, for the tools that reach them all: `pnpm migrate`, the invariant checker, backups. */
export const databasesConfigShape = {
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  ...ownDatabaseShape('payment'),
  ...ownDatabaseShape('trade'),
  ...ownDatabaseShape('reporting'),
  ...ownDatabaseShape('market'),
};

/** Each owner's database (ownDatabaseUrl): the same URL four times by default, or up to four databases. */
export function databaseUrlsByService(config: { DATABASE_URL: string } & Partial<Record<`${Uppercase<DatabaseOwner>}_DATABASE_URL`, string>>) {
  return Object.fromEntries(databaseOwners.map((service) => [service, ownDatabaseUrl(config, service)])) as Record<DatabaseOwner, string>;
}

/** The broker URLs a service connects to: AMQP_URLS (a cluster's nodes) when set, else AMQP_URL. */
export function brokerUrls(config: { AMQP_URL: string; AMQP_URLS?: string[] | undefined }): string | string[] {
  return config.AMQP_URLS ?? config.AMQP_URL;
}

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

/** Settings of a service whose queue is partitioned (Payment, Trade): how its instances share the partitions. */
export const partitionsConfigShape = {
  /**
   * How often an instance counts the instances of its service and takes or gives up partitions to keep its fair share;
   * a partition whose instance died is taken within about this long.
   */
  PARTITION_REBALANCE_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
};

/** The settings of inboxRetentionShape as the pruning job of @trading/db takes them. */
export function inboxPruningSettings(config: { INBOX_RETENTION_HOURS: number; INBOX_PRUNE_INTERVAL_MS: number; INBOX_PRUNE_BATCH: number }) {
  return {
    retention: { retentionHours: config.INBOX_RETENTION_HOURS, batch: config.INBOX_PRUNE_BATCH },
    intervalMs: config.INBOX_PRUNE_INTERVAL_MS,
  };
}

/**
 * Each service's operator port (GET /health, GET /metrics; operatorServer.ts), one number per service so that the
 * whole stack runs on one machine without collisions.
 */
export const operatorPorts = { gateway: 9101, payment: 9102, trade: 9103, reporting: 9104, market: 9105 } as const;

/** The operator port's settings, with the service's own default port; OPERATOR_PORT=0 serves none. */
export function operatorConfigShape(service: keyof typeof operatorPorts) {
  return {
    /** Loopback by default: what it shows is for the operator's scraper, not for clients. */
    OPERATOR_HOST: z.string().min(1).default('127.0.0.1'),
    OPERATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(operatorPorts[service]),
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

import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Settings every service shares. Each service extends this with its own keys. */
export const baseConfigShape = {
  /**
   * The broker, vhost and the service's own broker user (brokerUsers): `npm start`, the testkit and docker-compose.yml
   * give each service its own (SECURITY.md). The default, the broker's admin, is for a service started by hand.
   */
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/trading'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unacked deliveries per consumer; Trade and Payment also apply up to this many in one transaction (BENCHMARKS.md). */
  PREFETCH: z.coerce.number().int().min(1).max(1000).default(500),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
};

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

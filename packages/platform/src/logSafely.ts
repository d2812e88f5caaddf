/**
 * What a log line may hold. Keys that name a secret are censored at any depth (pino's `redact` needs every path
 * spelled out), and an error is written as its name, message, code, SQLSTATE and stack only: a driver's error carries
 * its client, its connection parameters and the query's values.
 */
const SECRET_KEYS = new Set(['api_key', 'apikey', 'authorization', 'password', 'admin_api_key', 'amqp_url', 'database_url', 'url', 'cookie']);
const MAX_DEPTH = 8;
export const CENSORED = '[redacted]';

/** An error as a log line shows it. pg's `code` is the SQLSTATE; amqplib's is the AMQP reply code. */
export function serializeError(err: Error): Record<string, unknown> {
  const { code, classId, methodId } = err as Error & { code?: unknown; classId?: unknown; methodId?: unknown };
  return {
    type: err.name,
    message: err.message,
    ...(code === undefined ? {} : { code }),
    ...(classId === undefined ? {} : { classId, methodId }),
    ...(err.stack ? { stack: err.stack } : {}),
    ...(err.cause instanceof Error ? { cause: serializeError(err.cause) } : {}),
  };
}

/** A copy of `value` fit for a log line: secrets censored, errors reduced, cycles and depth past 8 cut. */
export function logSafely(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value instanceof Error) return serializeError(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[cut]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => logSafely(item, depth + 1, seen));
  if (!isPlain(value)) return String(value);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.has(key.toLowerCase()) ? CENSORED : logSafely(item, depth + 1, seen)]),
  );
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

import { type DestinationStream, pino, type Logger } from 'pino';
import { logSafely } from './logSafely.ts';
import { traceFields } from './tracing/traceContext.ts';

export type { Logger };

/**
 * The one root logger of a process. Per message, use logger.child({ requestId, sagaId }). Every line passes
 * logSafely: secrets (passwords, URLs with credentials, api keys, the Authorization header, the operator's key)
 * are censored at any depth, and errors are reduced to name, message, code and stack. A line written while a span is
 * active carries its `trace_id` and `span_id` (tracing). `destination` is for tests.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
    serializers: { err: logSafely, error: logSafely },
    formatters: { log: (line: Record<string, unknown>) => logSafely(line) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}

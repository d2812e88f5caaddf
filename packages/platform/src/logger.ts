import { pino, type Logger } from 'pino';

export type { Logger };

/** The one root logger of a process. Per message, use logger.child({ requestId, sagaId }). */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets never reach a log: passwords and URLs with credentials, api keys (a LOGIN's, a new one in a reply), the
    // Authorization header, the operator's key.
    redact: {
      paths: [
        '*.password',
        '*.url',
        'config.AMQP_URL',
        'config.DATABASE_URL',
        'config.ADMIN_API_KEY',
        'api_key',
        '*.api_key',
        '*.*.api_key',
        'authorization',
        '*.authorization',
        '*.*.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

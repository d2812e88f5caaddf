import { pino, type Logger } from 'pino';

export type { Logger };

/** The one root logger of a process. Per message, use logger.child({ requestId, sagaId }). */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.password', '*.url', 'config.AMQP_URL', 'config.DATABASE_URL'], censor: '[redacted]' },
  });
}

import type { Logger } from 'pino';

/**
 * Says the service is serving: a log line for people, and an IPC message for a parent process that started it
 * with an IPC channel (the stack runner, the tests), which works whatever the log level.
 */
export function announceReady(logger: Logger): void {
  logger.info('ready');
  process.send?.('ready');
}

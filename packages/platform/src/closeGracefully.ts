import type { Logger } from 'pino';
import { stopTracing } from './tracing/startTracing.ts';

export type ShutdownStep = readonly [name: string, close: () => Promise<unknown>];

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop taking work, finish and ack what is held, close
 * connections), then sends the spans still buffered (stopTracing) and exits. A step that hangs past `timeoutMs` is
 * abandoned so the process always ends.
 */
export function closeGracefully(logger: Logger, steps: readonly ShutdownStep[], timeoutMs = 10_000): void {
  let closing = false;
  const close = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err, step: name }, 'shutdown step failed');
      }
    }
    await stopTracing().catch((err: unknown) => logger.warn({ err }, 'could not send the last spans'));
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void close('SIGTERM'));
  process.once('SIGINT', () => void close('SIGINT'));
}

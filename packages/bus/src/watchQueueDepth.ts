import type { Logger } from '@trading/platform';
import { recordQueueDepth } from './metrics.ts';

export type QueueDepthWatch = { stop(): void };

/**
 * Watches how many messages wait in a queue, every `intervalMs`: each change of the depth is logged, and crossing
 * `alarmDepth` upwards logs an alarm (level error) once, until the depth is back under it. For the dead-letter
 * queue, which keeps every message it gets (no length limit, no TTL) for an operator to look at: its depth is the
 * number of real faults waiting, also served as the metric trading_dead_letter_queue_messages.
 */
export function watchQueueDepth(
  source: { queueDepth(queue: string): Promise<number> },
  options: { queue: string; alarmDepth: number; intervalMs: number; logger: Logger },
): QueueDepthWatch {
  const { queue, alarmDepth, intervalMs, logger } = options;
  let last = 0;
  let alarmed = false;
  const check = async () => {
    try {
      const depth = await source.queueDepth(queue);
      recordQueueDepth(queue, depth);
      if (depth !== last) logger.info({ queue, depth }, 'queue depth changed');
      if (depth >= alarmDepth && !alarmed) logger.error({ queue, depth, alarmDepth }, 'ALARM: queue depth at or above its alarm threshold');
      if (depth < alarmDepth && alarmed) logger.info({ queue, depth, alarmDepth }, 'queue depth back under its alarm threshold');
      alarmed = depth >= alarmDepth;
      last = depth;
    } catch (err) {
      logger.warn({ err, queue }, 'could not read the queue depth; will try again');
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  void check();
  return { stop: () => clearInterval(timer) };
}

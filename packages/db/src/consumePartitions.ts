import { type Delivery, PARTITIONS, type PartitionedService, partitionQueue } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import { ownPartitions } from './partitionOwnership.ts';

/** The bus as far as partitions need it: consuming a queue until told to stop. */
type Consumes = {
  consume(queue: string, handler: (delivery: Delivery) => Promise<void>): Promise<{ stop(): Promise<void> }>;
};

export type PartitionConsumerOptions = {
  bus: Consumes;
  /** The service's own database, where its instances' partition locks are taken. */
  url: string;
  service: PartitionedService;
  handler: (delivery: Delivery) => Promise<void>;
  rebalanceMs: number;
  logger: Logger;
};

/**
 * Consumes the partitions (<service>.commands.<n>) this instance owns, and only those: a partition is consumed from the
 * moment its lock is won until it is given up, when what its consumer holds is finished before the lock is released
 * (removeConsumer in @trading/bus), so the next owner starts where this one stopped and one user's messages are
 * never applied by two instances at once.
 */
export function consumePartitions({ bus, url, service, handler, rebalanceMs, logger }: PartitionConsumerOptions) {
  const consumers = new Map<number, { stop(): Promise<void> }>();
  return ownPartitions({
    url,
    group: service,
    partitions: PARTITIONS,
    intervalMs: rebalanceMs,
    logger,
    acquire: async (partition) => {
      consumers.set(partition, await bus.consume(partitionQueue(service, partition), handler));
    },
    release: async (partition) => {
      const consumer = consumers.get(partition);
      consumers.delete(partition);
      await consumer?.stop();
    },
  });
}

import { connectBus } from '@trading/bus';
import { queues, topology } from '@trading/contracts';
import { connectDatabase, consumePartitions, createOutbox, createProcessOnce, databaseProbe, startInboxPruning } from '@trading/db';
import {
  announceReady,
  closeGracefully,
  createLogger,
  inboxPruningSettings,
  loadConfig,
  ownDatabaseUrl,
  runMain,
  startOperatorServer,
  startTracing,
  brokerUrls,
} from '@trading/platform';
import { paymentConfigShape } from './config.ts';
import { crashAfterCommit } from './crashAfterCommit.ts';
import { createHandler } from './createHandler.ts';
import type { PaymentDeps } from './deps.ts';

/** The Payment service's composition root: the only place that reads config and builds the logger, database and bus. */
runMain('payment', async () => {
  const config = loadConfig(paymentConfigShape);
  const databaseUrl = ownDatabaseUrl(config, 'payment');
  startTracing('payment', config);
  const logger = createLogger('payment', config.LOG_LEVEL);
  const db = await connectDatabase({ url: databaseUrl, poolMax: config.DB_POOL_MAX, logger, applicationName: 'trading-payment' });
  const bus = await connectBus({ url: brokerUrls(config), logger, service: 'payment', topology, prefetch: config.PREFETCH });
  const outbox = createOutbox({ db, bus, schema: 'payment', logger });
  outbox.start();
  const clock = () => new Date();
  const handlerOutbox = config.PAYMENT_CRASH_AFTER_COMMIT ? crashAfterCommit(outbox, logger) : outbox;
  const processOnce = createProcessOnce({ db, bus, outbox: handlerOutbox, schema: 'payment', maxBatch: config.PREFETCH, logger });
  const inboxPruning = startInboxPruning({ db, schema: 'payment', logger, ...inboxPruningSettings(config) });
  const deps: PaymentDeps = { db, bus, processOnce, logger, clock };
  const handler = createHandler(deps);
  // What an earlier version left in the queue before partitions, then this instance's share of the partitions.
  await bus.consume(queues.payment, handler);
  const partitions = consumePartitions({ bus, url: databaseUrl, service: 'payment', handler, rebalanceMs: config.PARTITION_REBALANCE_MS, logger });
  const operator = await startOperatorServer({ service: 'payment', config, probes: { broker: () => bus.connected, database: databaseProbe(db) }, logger });
  closeGracefully(logger, [
    ['consumers', () => bus.stopConsuming()],
    ['partitions', () => partitions.stop()],
    ['inbox pruning', () => inboxPruning.stop()],
    ['outbox', () => outbox.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.$disconnect()],
    ['operator port', () => operator.close()],
  ]);
  announceReady(logger);
});

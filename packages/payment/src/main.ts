import { connectBus } from '@trading/bus';
import { queues, topology } from '@trading/contracts';
import { connectDatabase, createOutbox, createProcessOnce, startInboxPruning } from '@trading/db';
import { announceReady, baseConfigShape, booleanSetting, closeGracefully, createLogger, inboxPruningSettings, inboxRetentionShape, loadConfig, runMain } from '@trading/platform';
import { crashAfterCommit } from './crashAfterCommit.ts';
import { createHandler } from './createHandler.ts';

runMain('payment', async () => {
  const config = loadConfig({
    ...baseConfigShape,
    ...inboxRetentionShape,
    /** Fault injection for tests: exit right after a commit, before publishing (see crashAfterCommit.ts). */
    PAYMENT_CRASH_AFTER_COMMIT: booleanSetting.default(false),
  });
  const logger = createLogger('payment', config.LOG_LEVEL);
  const db = await connectDatabase({ url: config.DATABASE_URL, poolMax: config.DB_POOL_MAX, logger, applicationName: 'trading-payment' });
  const bus = await connectBus({ url: config.AMQP_URL, logger, service: 'payment', topology, prefetch: config.PREFETCH });
  const outbox = createOutbox({ db, bus, schema: 'payment', logger });
  outbox.start();
  const clock = () => new Date();
  const handlerOutbox = config.PAYMENT_CRASH_AFTER_COMMIT ? crashAfterCommit(outbox, logger) : outbox;
  const processOnce = createProcessOnce({ db, bus, outbox: handlerOutbox, schema: 'payment', maxBatch: config.PREFETCH, logger });
  const inboxPruning = startInboxPruning({ db, schema: 'payment', logger, ...inboxPruningSettings(config) });
  await bus.consume(queues.payment, createHandler({ db, bus, processOnce, logger, clock }));
  closeGracefully(logger, [
    ['consumers', () => bus.stopConsuming()],
    ['inbox pruning', () => inboxPruning.stop()],
    ['outbox', () => outbox.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.$disconnect()],
  ]);
  announceReady(logger);
});

import { connectBus, watchQueueDepth } from '@trading/bus';
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
import { loadCatalogue } from './catalogue.ts';
import { clockFrom, tradeConfigShape } from './config.ts';
import { createHandler } from './createHandler.ts';
import { createPriceBook, followMarket } from './priceBook.ts';
import type { TradeDeps } from './deps.ts';
import { startTimeoutSweeper } from './timeoutSweeper.ts';

/** The Trade service's composition root: the only place that reads config and builds the logger, database and bus. */
runMain('trade', async () => {
  const config = loadConfig(tradeConfigShape);
  const databaseUrl = ownDatabaseUrl(config, 'trade');
  startTracing('trade', config);
  const logger = createLogger('trade', config.LOG_LEVEL);
  const db = await connectDatabase({ url: databaseUrl, poolMax: config.DB_POOL_MAX, logger, applicationName: 'trading-trade' });
  const bus = await connectBus({ url: brokerUrls(config), logger, service: 'trade', topology, prefetch: config.PREFETCH });
  const outbox = createOutbox({ db, bus, schema: 'trade', logger });
  const deps: TradeDeps = {
    db,
    bus,
    outbox,
    processOnce: createProcessOnce({ db, bus, outbox, schema: 'trade', maxBatch: config.PREFETCH, logger }),
    logger,
    clock: clockFrom(config.CLOCK_FIXED_AT),
    catalogue: await loadCatalogue(db.prisma),
    prices: createPriceBook(),
    settings: {
      sagaTimeoutMs: config.SAGA_TIMEOUT_MS,
      marketsAlwaysOpen: config.MARKETS_ALWAYS_OPEN,
      failRecordingFor: config.TRADE_FAIL_RECORDING_FOR,
      feeBps: config.TRADE_FEE_BPS,
      collarBps: config.MARKET_COLLAR_BPS,
      maxPriceAgeMs: config.PRICE_MAX_AGE_MS,
      bandPct: config.PRICE_BAND_PCT,
    },
  };
  const market = await followMarket(bus, deps.prices, logger);
  outbox.start();
  const sweeper = startTimeoutSweeper(deps, config.SAGA_SWEEP_INTERVAL_MS);
  const inboxPruning = startInboxPruning({ db, schema: 'trade', logger, ...inboxPruningSettings(config) });
  await market.warmUp(config.PRICE_WARMUP_MS);
  const handler = createHandler(deps);
  // What an earlier version left in the queue before partitions, then this instance's share of the partitions.
  await bus.consume(queues.trade, handler);
  const partitions = consumePartitions({ bus, url: databaseUrl, service: 'trade', handler, rebalanceMs: config.PARTITION_REBALANCE_MS, logger });
  const deadLetters = watchQueueDepth(bus, {
    queue: queues.deadLetter,
    alarmDepth: config.DEAD_LETTER_ALARM_DEPTH,
    intervalMs: config.DEAD_LETTER_CHECK_INTERVAL_MS,
    logger,
  });
  const operator = await startOperatorServer({ service: 'trade', config, probes: { broker: () => bus.connected, database: databaseProbe(db) }, logger });
  closeGracefully(logger, [
    ['consumers', () => bus.stopConsuming()],
    ['partitions', () => partitions.stop()],
    ['timeout sweeper', () => sweeper.stop()],
    ['dead-letter watch', async () => deadLetters.stop()],
    ['inbox pruning', () => inboxPruning.stop()],
    ['outbox', () => outbox.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.$disconnect()],
    ['operator port', () => operator.close()],
  ]);
  const { failRecordingFor, ...settings } = deps.settings;
  logger.info(
    { symbols: deps.catalogue.size, ...settings, clockFixedAt: config.CLOCK_FIXED_AT, failRecordingFor: [...failRecordingFor] },
    'trade service started',
  );
  announceReady(logger);
});

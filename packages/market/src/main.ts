import { randomInt } from 'node:crypto';
import { connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { connectDatabase, databaseProbe } from '@trading/db';
import {
  announceReady,
  closeGracefully,
  createLogger,
  loadConfig,
  ownDatabaseUrl,
  runMain,
  startOperatorServer,
  startTracing,
  brokerUrls,
} from '@trading/platform';
import { marketConfigShape } from './config.ts';
import { holdLeadership } from './holdLeadership.ts';
import { type LeaderTerm, startLeaderTerm } from './leaderTerm.ts';
import { sourceFactory } from './makeSource.ts';
import { loadInstruments } from './tickStore.ts';

runMain('market', async () => {
  const config = loadConfig(marketConfigShape);
  const databaseUrl = ownDatabaseUrl(config, 'market');
  startTracing('market', config);
  const logger = createLogger('market', config.LOG_LEVEL);
  const seed = config.MARKET_SEED ?? randomInt(0, 0xffffffff);
  const db = await connectDatabase({ url: databaseUrl, poolMax: config.DB_POOL_MAX, logger, applicationName: 'trading-market' });
  const instruments = await loadInstruments(db);
  const makeSource = sourceFactory(config, seed, instruments);
  const bus = await connectBus({ url: brokerUrls(config), logger, service: 'market', topology, prefetch: config.PREFETCH });
  const clock = () => new Date();
  let term: LeaderTerm | undefined;
  const leadership = holdLeadership({
    url: databaseUrl,
    applicationName: 'trading-market-leader',
    retryMs: config.MARKET_LEADER_RETRY_MS,
    logger,
    onElected: async () => {
      term = await startLeaderTerm({
        db,
        bus,
        logger,
        clock,
        pruneIntervalMs: config.MARKET_PRUNE_INTERVAL_MS,
        retentionMs: config.MARKET_TICK_RETENTION_HOURS * 3_600_000,
        marketsAlwaysOpen: config.MARKETS_ALWAYS_OPEN,
        makeSource,
      });
    },
    onDeposed: async () => {
      await term?.stop();
      term = undefined;
    },
  });
  logger.info(
    {
      source: config.MARKET_SOURCE,
      symbols: instruments.length,
      seed,
      volatility: config.MARKET_VOLATILITY,
      drift: config.MARKET_DRIFT,
      tickIntervalMs: config.MARKET_TICK_INTERVAL_MS,
    },
    'market configured',
  );
  const operator = await startOperatorServer({ service: 'market', config, probes: { broker: () => bus.connected, database: databaseProbe(db) }, logger });
  closeGracefully(logger, [
    ['leadership', () => leadership.stop()],
    ['bus', () => bus.close()],
    ['database', () => db.$disconnect()],
    ['operator port', () => operator.close()],
  ]);
  announceReady(logger);
});

import { fileURLToPath } from 'node:url';
import { connectBus } from '@trading/bus';
import { apiKeyHash, queues, streamTicketKey, topology } from '@trading/contracts';
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
import { reportingConfigShape } from './config.ts';
import { followMarket } from './followMarket.ts';
import { watchDeadLetters } from './deadLetterMetrics.ts';
import { createDeadLetterHandler } from './ingestDeadLetters.ts';
import { createHandler, createQueryHandler } from './handleDelivery.ts';
import { createAuthenticator } from './http/authenticate.ts';
import { createLiveStream } from './http/liveStream.ts';
import { startHttpServer } from './http/startHttpServer.ts';
import { createSessions, DASHBOARD_SESSIONS } from './http/sessions.ts';
import { loadStaticFiles } from './http/staticFiles.ts';
import { listenForUpdates, relayUpdates } from './notifications.ts';
import { createPriceHistory } from './priceHistory.ts';
import { createQueryGate } from './queryGate.ts';

runMain('reporting', async () => {
  const config = loadConfig(reportingConfigShape);
  const databaseUrl = ownDatabaseUrl(config, 'reporting');
  startTracing('reporting', config);
  const logger = createLogger('reporting', config.LOG_LEVEL);
  const db = await connectDatabase({ url: databaseUrl, poolMax: config.DB_POOL_MAX, logger, applicationName: 'trading-reporting' });
  // Queries have a pool of their own, so none of them can take the connections event ingestion needs.
  const queryDb = await connectDatabase({
    url: databaseUrl,
    poolMax: config.REPORTING_QUERY_POOL_MAX,
    logger,
    applicationName: 'trading-reporting-queries',
    statementTimeoutMs: config.REPORTING_QUERY_TIMEOUT_MS,
  });
  const queries = createQueryGate(queryDb, {
    ratePerSecond: config.REPORTING_QUERY_RATE,
    burst: config.REPORTING_QUERY_BURST,
    maxEvents: config.REPORTING_QUERY_MAX_EVENTS,
    timeoutMs: config.REPORTING_QUERY_TIMEOUT_MS,
  });
  const bus = await connectBus({ url: brokerUrls(config), logger, service: 'reporting', topology, prefetch: config.PREFETCH });
  const stream = createLiveStream(logger, { maxClients: config.REPORTING_STREAM_MAX_CLIENTS });
  const prices = createPriceHistory();
  const now = () => new Date();
  const sessions = createSessions({ ...DASHBOARD_SESSIONS, now: Date.now });
  // Only the key's SHA-256, and the stream tickets' key derived from it, are kept: the clear ADMIN_API_KEY goes no further.
  const auth = createAuthenticator(db, config.ADMIN_API_KEY === undefined ? undefined : apiKeyHash(config.ADMIN_API_KEY), sessions);
  const ticketKey = config.ADMIN_API_KEY === undefined ? undefined : streamTicketKey(config.ADMIN_API_KEY);
  const listener = listenForUpdates(databaseUrl, logger, relayUpdates(db, stream, logger));
  const http = await startHttpServer({
    db,
    queries,
    stream,
    prices,
    auth,
    sessions,
    now,
    ticketKey,
    gatewayUrls: config.GATEWAY_PUBLIC_URL,
    logger,
    host: config.REPORTING_HOST,
    port: config.REPORTING_PORT,
    files: loadStaticFiles(fileURLToPath(new URL('../public', import.meta.url))),
    health: async () => {
      const database = await db.$queryRawUnsafe('SELECT 1').then(
        () => 'up',
        () => 'down',
      );
      const broker = bus.connected ? 'up' : 'down';
      return { healthy: database === 'up' && broker === 'up', broker, database };
    },
  });
  await followMarket(bus, prices);
  await bus.consume(queues.reporting, createHandler({ db, bus, logger, lingerMs: config.REPORTING_LINGER_MS, now, queries }));
  await bus.consume(queues.reportingQueries, createQueryHandler({ bus, logger, now, queries }), { prefetch: config.REPORTING_QUERY_CONCURRENCY });
  await bus.consume(queues.deadLetter, createDeadLetterHandler(db, logger, now), { prefetch: 10 });
  watchDeadLetters(db);
  const operator = await startOperatorServer({ service: 'reporting', config, probes: { broker: () => bus.connected, database: databaseProbe(db) }, logger });
  closeGracefully(logger, [
    ['consumers', () => bus.stopConsuming()],
    ['http', () => http.close()],
    ['update listener', () => listener.close()],
    ['bus', () => bus.close()],
    ['database', () => db.$disconnect()],
    ['query pool', () => queryDb.$disconnect()],
    ['operator port', () => operator.close()],
  ]);
  if (config.ADMIN_API_KEY === undefined) logger.warn('ADMIN_API_KEY is not set: no operator key exists, so the dashboard and /api/stats answer nobody');
  logger.info(`dashboard at http://127.0.0.1:${http.port}/`);
  announceReady(logger);
});

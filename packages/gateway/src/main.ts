import { randomUUID } from 'node:crypto';
import { connectBus } from '@trading/bus';
import { topology } from '@trading/contracts';
import { announceReady, closeGracefully, createLogger, loadConfig, runMain, startOperatorServer, startTracing, brokerUrls } from '@trading/platform';
import pg from 'pg';
import { systemClock } from './clock.ts';
import { gatewayConfigShape } from './config.ts';
import { edgeSettings } from './edgeConfig.ts';
import { gatewayInstanceId } from './instanceId.ts';
import { databaseProbe } from './probeDatabase.ts';
import { startGateway } from './startGateway.ts';
import { createApp } from './tls.ts';

/** How long shutdown waits for replies to requests already published. */
const SHUTDOWN_GRACE_MS = 5000;
const HEALTH_PROBE_TIMEOUT_MS = 1000;

/** The gateway's composition root: the only place that reads config and builds the logger, bus and pool. */
runMain('gateway', async () => {
  const config = loadConfig(gatewayConfigShape);
  startTracing('gateway', config);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const edge = edgeSettings(config);
  const instanceId = gatewayInstanceId();
  const bus = await connectBus({ url: brokerUrls(config), logger, service: 'gateway', topology, prefetch: config.PREFETCH });
  // One connection, used only by the health probe; pg connects lazily, so the gateway starts without PostgreSQL.
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: 1,
    connectionTimeoutMillis: HEALTH_PROBE_TIMEOUT_MS,
    query_timeout: HEALTH_PROBE_TIMEOUT_MS,
  });
  pool.on('error', (err) => logger.warn({ err: err.message }, 'health probe database connection failed'));
  const probes = { broker: () => bus.connected && !bus.blocked, database: databaseProbe(pool, systemClock, HEALTH_PROBE_TIMEOUT_MS) };

  const gateway = await startGateway({
    logger,
    bus,
    instanceId,
    clock: systemClock,
    newId: randomUUID,
    probes,
    now: () => performance.now(),
    createApp: () => createApp(edge.tls),
    settings: {
      host: config.GATEWAY_HOST,
      port: config.GATEWAY_PORT,
      replyTimeoutMs: config.REPLY_TIMEOUT_MS,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      maxInFlightPerSocket: config.MAX_IN_FLIGHT_PER_SOCKET,
      adminApiKey: config.ADMIN_API_KEY,
      authCacheTtlMs: config.AUTH_CACHE_TTL_MS,
      feeds: { maxPerSocket: config.MAX_SUBSCRIPTIONS_PER_SOCKET, maxBufferedBytes: config.FEED_MAX_BUFFERED_BYTES, stallMs: config.FEED_STALL_MS },
      ...edge,
    },
  });
  const operator = await startOperatorServer({ service: 'gateway', config, probes, logger });
  closeGracefully(logger, [
    ['stop listening', async () => gateway.stopListening()],
    ['answer in-flight requests', () => gateway.drain(Math.min(SHUTDOWN_GRACE_MS, config.REPLY_TIMEOUT_MS))],
    ['close sockets', async () => gateway.closeSockets()],
    ['close broker connection', () => bus.close()],
    ['close database pool', () => pool.end()],
    ['operator port', () => operator.close()],
  ]);
  const scheme = config.TLS_CERT_FILE ? 'wss' : 'ws';
  logger.info({ host: config.GATEWAY_HOST, port: gateway.port, scheme, instanceId, operator: config.ADMIN_API_KEY !== undefined }, 'gateway listening');
  announceReady(logger);
});

import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { checkHealth, type HealthProbes } from './health.ts';
import { metricsRegistry, serveMetrics } from './metrics.ts';

export type OperatorServer = {
  /** The bound port; undefined when OPERATOR_PORT is 0 (no operator port). */
  port: number | undefined;
  close(): Promise<void>;
};

export type OperatorServerOptions = {
  service: string;
  config: { OPERATOR_HOST: string; OPERATOR_PORT: number };
  probes: HealthProbes;
  logger: Logger;
};

/**
 * The operator port (OPERATOR_HOST:OPERATOR_PORT, loopback by default): `GET /health` answers 200
 * {"status":"ok","broker":"up","database":"up"} or 503 naming what is down; `GET /metrics` the registry in
 * Prometheus' text format, for a scraper. Nothing else, and nothing a client of the service can reach.
 */
export async function startOperatorServer({ service, config, probes, logger }: OperatorServerOptions): Promise<OperatorServer> {
  serveMetrics(service);
  if (config.OPERATOR_PORT === 0) return { port: undefined, close: async () => undefined };
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'text/plain', 'method not allowed\n');
    if (path === '/health') return void health(probes, res);
    if (path === '/metrics') return void metrics(probes, res, logger);
    answer(res, 404, 'text/plain', 'not found: try /health or /metrics\n');
  });
  server.listen(config.OPERATOR_PORT, config.OPERATOR_HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  logger.info({ host: config.OPERATOR_HOST, port }, `operator port: http://${config.OPERATOR_HOST}:${port}/metrics and /health`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function health(probes: HealthProbes, res: ServerResponse): Promise<void> {
  const { healthy, ...body } = await checkHealth(probes);
  answer(res, healthy ? 200 : 503, 'application/json', JSON.stringify(body));
}

async function metrics(probes: HealthProbes, res: ServerResponse, logger: Logger): Promise<void> {
  try {
    await checkHealth(probes);
    answer(res, 200, metricsRegistry.contentType, await metricsRegistry.metrics());
  } catch (err) {
    logger.warn({ err }, 'could not collect the metrics');
    answer(res, 500, 'text/plain', 'could not collect the metrics\n');
  }
}

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

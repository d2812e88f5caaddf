import { TEST_ADMIN_API_KEY } from './adminKey.ts';
import type { TestEnv } from './isolation.ts';
import { testEnv } from './mochaHooks.ts';
import { freePort, type ServiceName, ServiceProcess, type ServiceProcessOptions } from './serviceProcess.ts';

export type Stack = {
  services: Record<ServiceName, ServiceProcess[]>;
  gatewayUrl: string;
  /** Every gateway instance started so far (the first is gatewayUrl; addInstance('gateway', { GATEWAY_PORT }) adds one). */
  gatewayUrls(): string[];
  reportingUrl: string;
  /** The operator port (GET /health, GET /metrics) of a service's instance (the first by default). */
  operatorUrl(name: ServiceName, instance?: number): string;
  /**
   * Starts one more instance of a service (several instances share its queue); `env` overrides settings (a port),
   * `options.sourceRoot` runs another version's source (ServiceProcess).
   */
  addInstance(name: ServiceName, env?: Record<string, string>, options?: ServiceProcessOptions): Promise<ServiceProcess>;
  stop(): Promise<void>;
};

/**
 * Starts the named services as processes against this run's database and vhost.
 * `env` adds settings (e.g. SAGA_TIMEOUT_MS) to every service; `sourceRoots` runs some of them from another
 * version's source (ServiceProcess), the others from this repository. `on` is another environment than the run's
 * (createTestEnv({ databases: 'split' }): each service is then given its own database, PAYMENT_DATABASE_URL, …).
 */
export async function startStack(
  names: readonly ServiceName[],
  env: Record<string, string> = {},
  sourceRoots: Partial<Record<ServiceName, string>> = {},
  on: TestEnv = testEnv(),
): Promise<Stack> {
  const { amqpUrl, databaseUrl, databaseUrls, runId } = on;
  // Only a database of its own is named: a test that sets DATABASE_URL (a restored copy, say) moves every service.
  const ownDatabases = Object.fromEntries(
    Object.entries(databaseUrls)
      .filter(([, url]) => url !== databaseUrl)
      .map(([service, url]) => [`${service.toUpperCase()}_DATABASE_URL`, url]),
  );
  const gatewayPort = await freePort();
  const reportingPort = await freePort();
  const common = {
    ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    AMQP_URL: amqpUrl,
    DATABASE_URL: databaseUrl,
    ...ownDatabases,
    GATEWAY_PORT: String(gatewayPort),
    REPORTING_PORT: String(reportingPort),
    // The dashboard's page follows prices on this stack's gateway.
    GATEWAY_PUBLIC_URL: `ws://127.0.0.1:${gatewayPort}`,
    // Tests ask Reporting many queries a second as one principal; the query quota's own test sets its limits.
    REPORTING_QUERY_RATE: '10000',
    REPORTING_QUERY_BURST: '10000',
    // Most stacks have no market: their prices are published by the test (setPrices), after Trade has started.
    PRICE_WARMUP_MS: '0',
    ...env,
  };
  const services: Record<ServiceName, ServiceProcess[]> = { gateway: [], payment: [], trade: [], reporting: [], market: [] };
  const gatewayUrls: string[] = [];
  const addInstance = async (name: ServiceName, env: Record<string, string> = {}, options: ServiceProcessOptions = {}) => {
    const service = new ServiceProcess(name, { ...common, ...env }, runId, options);
    if (name === 'gateway') gatewayUrls.push(`ws://127.0.0.1:${env.GATEWAY_PORT ?? common.GATEWAY_PORT}`);
    services[name].push(service);
    await service.start();
    return service;
  };
  const stop = async () => {
    await Promise.all(
      Object.values(services)
        .flat()
        .map((s) => s.stop()),
    );
  };
  try {
    await Promise.all(names.map((name) => addInstance(name, {}, { sourceRoot: sourceRoots[name] })));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    services,
    gatewayUrl: `ws://127.0.0.1:${gatewayPort}`,
    gatewayUrls: () => [...new Set(gatewayUrls)],
    reportingUrl: `http://127.0.0.1:${reportingPort}`,
    operatorUrl: (name, instance = 0) => {
      const service = services[name][instance];
      if (!service) throw new Error(`no ${name} instance ${instance} in this stack`);
      return service.operatorUrl;
    },
    addInstance,
    stop,
  };
}

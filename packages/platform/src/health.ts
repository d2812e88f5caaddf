import { gauge } from './metrics.ts';

/** What a service depends on, probed on every GET /health and every scrape: the broker, the database. Never rejects. */
export type HealthProbes = {
  broker: () => boolean;
  database: () => Promise<boolean>;
};

export type Health = { healthy: boolean; status: 'ok' | 'unavailable'; broker: 'up' | 'down'; database: 'up' | 'down' };

const brokerConnected = gauge('trading_broker_connected', '1 while the connection to RabbitMQ is up (and the broker does not block publishers), else 0.');
const databaseConnected = gauge('trading_database_connected', '1 while PostgreSQL answers SELECT 1 in time, else 0.');

/** Runs the probes; the answer is GET /health's body, and the connection gauges are set from it. */
export async function checkHealth(probes: HealthProbes): Promise<Health> {
  const databaseUp = await probes.database();
  const brokerUp = probes.broker();
  brokerConnected.set(brokerUp ? 1 : 0);
  databaseConnected.set(databaseUp ? 1 : 0);
  const healthy = brokerUp && databaseUp;
  return { healthy, status: healthy ? 'ok' : 'unavailable', broker: brokerUp ? 'up' : 'down', database: databaseUp ? 'up' : 'down' };
}

// The three RabbitMQ nodes of `pnpm cluster` (cluster.ts), which `STACK_BROKER=cluster npm start` connects to.
import { join } from 'node:path';

/** Where the nodes keep their config, data and logs. */
export const clusterRoot = new URL('../../.tmp/cluster/', import.meta.url).pathname;

/** Node i (1-based): its name and ports. AMQP 5701–5703, management 15701–15703, distribution 25701–25703. */
function clusterNode(i: number) {
  return {
    name: `trading-${i}@localhost`,
    dir: join(clusterRoot, `node-${i}`),
    amqp: 5700 + i,
    management: 15700 + i,
    dist: 25700 + i,
    prometheus: 15790 + i,
  };
}

export const clusterNodes = [clusterNode(1), clusterNode(2), clusterNode(3)];

/** The nodes' AMQP URLs for the broker's admin (guest), from which each service's own are made. */
export const clusterAmqpUrls = clusterNodes.map((n) => `amqp://guest:guest@127.0.0.1:${n.amqp}`);

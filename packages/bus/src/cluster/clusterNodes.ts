// The three RabbitMQ nodes of `pnpm cluster`, beside the system broker: the scale-out stack (STACK_BROKER=cluster
// npm start) and the cluster fault suite connect to them.
import { join } from 'node:path';
import { brokerNodesRoot } from './brokerNodesRoot.ts';

/** Where the nodes keep their config, data and logs: the checkout's .tmp/cluster (brokerNodesRoot). */
export const clusterRoot = (): string => join(brokerNodesRoot(), 'cluster');

/**
 * A RabbitMQ node of its own beside the system broker: its name, data directory and ports. A node with a management
 * port also runs the management, Prometheus and consistent-hash plugins; one without runs none (it boots faster).
 */
export type BrokerNode = { name: string; readonly dir: string; amqp: number; dist: number; management?: number; prometheus?: number };

/** Node i (1-based): its name and ports. AMQP 5701–5703, management 15701–15703, distribution 25701–25703. */
function clusterNode(i: number) {
  return {
    name: `trading-${i}@localhost`,
    get dir() {
      return join(clusterRoot(), `node-${i}`);
    },
    amqp: 5700 + i,
    management: 15700 + i,
    dist: 25700 + i,
    prometheus: 15790 + i,
  };
}

export type ClusterNode = ReturnType<typeof clusterNode> & BrokerNode;

export const clusterNodes: readonly ClusterNode[] = [clusterNode(1), clusterNode(2), clusterNode(3)];

/** The node the others join, and where the provisioning's rabbitmqctl runs. */
export const firstClusterNode: ClusterNode = clusterNodes[0]!;

/** The nodes' AMQP URLs as the broker's admin (guest), on `vhost` (default `/`); each service's own are made from them. */
export function clusterAmqpUrls(vhost = '/'): string[] {
  const path = vhost === '/' ? '' : `/${encodeURIComponent(vhost)}`;
  return clusterNodes.map((n) => `amqp://guest:guest@127.0.0.1:${n.amqp}${path}`);
}

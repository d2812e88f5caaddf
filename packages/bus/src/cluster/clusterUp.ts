import type { BrokerPasswords } from '../brokerPasswords.ts';
import { provisionBroker } from '../provisionBroker.ts';
import { clusterAmqpUrls, clusterNodes, firstClusterNode } from './clusterNodes.ts';
import { nodeCtl, runningMembers } from './nodeCtl.ts';
import { type QuorumQueueRow, replicateEverywhere } from './quorumReplicas.ts';
import { startNode } from './startNode.ts';

/** Joins a freshly started node to the first one (a node already in the cluster is left alone). */
async function joinFirst(node: (typeof clusterNodes)[number]): Promise<void> {
  if ((await runningMembers(firstClusterNode)).includes(node.name)) return;
  await nodeCtl(node, 'stop_app');
  await nodeCtl(node, 'reset');
  await nodeCtl(node, 'join_cluster', firstClusterNode.name);
  await nodeCtl(node, 'start_app');
}

/**
 * Starts the three nodes (those not running), joins them to the first, provisions the project's vhost `/` there (the
 * services' users with `passwords`, their permissions, the topology) and checks that every quorum queue has a replica
 * on every node. Idempotent: on a running cluster it only provisions and checks. Returns the quorum queues.
 */
export async function clusterUp(passwords: BrokerPasswords): Promise<QuorumQueueRow[]> {
  await Promise.all(clusterNodes.map(startNode));
  for (const node of clusterNodes.slice(1)) await joinFirst(node);
  const joined = await runningMembers(firstClusterNode);
  const missing = clusterNodes.filter((n) => !joined.includes(n.name));
  if (missing.length > 0) throw new Error(`nodes not in the cluster: ${missing.map((n) => n.name).join(', ')}`);
  await provisionBroker(clusterAmqpUrls()[0]!, passwords, firstClusterNode.name);
  return replicateEverywhere();
}

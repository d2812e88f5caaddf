import { type ClusterNode, clusterNodes } from './clusterNodes.ts';
import { nodeRunning, runningMembers } from './nodeCtl.ts';
import { type QuorumQueueRow, quorumQueues } from './quorumReplicas.ts';

export type ClusterStatus = {
  nodes: { node: ClusterNode; running: boolean }[];
  /** The nodes in the cluster as a running node sees them; empty when none runs. */
  members: string[];
  /** Vhost `/`'s quorum queues (empty when no node runs). */
  quorum: QuorumQueueRow[];
};

export async function clusterStatus(): Promise<ClusterStatus> {
  const nodes = await Promise.all(clusterNodes.map(async (node) => ({ node, running: await nodeRunning(node) })));
  const asked = nodes.find((n) => n.running)?.node;
  if (!asked) return { nodes, members: [], quorum: [] };
  return { nodes, members: await runningMembers(asked), quorum: await quorumQueues('/', asked) };
}

/** True when all three nodes run and form one cluster. */
export async function clusterRunning(): Promise<boolean> {
  const { nodes, members } = await clusterStatus().catch(() => ({ nodes: [], members: [] as string[] }));
  return nodes.length === clusterNodes.length && nodes.every((n) => n.running) && clusterNodes.every((n) => members.includes(n.name));
}

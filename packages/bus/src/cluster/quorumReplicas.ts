import { type ClusterNode, clusterNodes, firstClusterNode } from './clusterNodes.ts';
import { nodeCtl, runCommand } from './nodeCtl.ts';

export type QuorumQueueRow = { name: string; type: string; members?: string[]; online?: string[]; leader?: string };

/** The quorum queues of `vhost` as `asked` sees them: members, those online, and the leader. */
export async function quorumQueues(vhost = '/', asked: ClusterNode = firstClusterNode): Promise<QuorumQueueRow[]> {
  const listed = await nodeCtl(asked, 'list_queues', '--vhost', vhost, 'name', 'type', 'members', 'online', 'leader', '--formatter', 'json');
  return (JSON.parse(listed) as QuorumQueueRow[]).filter((row) => row.type === 'quorum');
}

/**
 * Grows every quorum queue (of every vhost) to every node (a queue declared before a node joined), then checks that
 * each of `vhost`'s has a replica on every node. Returns them.
 */
export async function replicateEverywhere(vhost = '/'): Promise<QuorumQueueRow[]> {
  for (const n of clusterNodes.slice(1))
    await runCommand('rabbitmq-queues', ['--quiet', '-n', firstClusterNode.name, 'grow', n.name, 'all']).catch(() => undefined);
  const quorum = await quorumQueues(vhost);
  const short = quorum.filter((row) => clusterNodes.some((n) => !(row.members ?? []).includes(n.name)));
  if (short.length > 0) throw new Error(`quorum queues without a replica on every node: ${short.map((row) => row.name).join(', ')}`);
  return quorum;
}

type MemberStatus = { Node_Name?: string; 'Node Name'?: string; Commit_Index?: number; 'Commit Index'?: number; 'Last Applied'?: number };

/**
 * True once `node`'s replica of each of `vhost`'s quorum queues is online and has caught up: its commit index is
 * within `slack` entries of the highest of its queue's members (a busy queue's leader is always a little ahead).
 */
export async function replicasCaughtUp(node: ClusterNode, vhost: string, slack = 50): Promise<boolean> {
  const quorum = await quorumQueues(vhost, node);
  if (quorum.some((row) => !(row.online ?? []).includes(node.name))) return false;
  const caughtUp = await Promise.all(
    quorum.map(async (row) => {
      const listed = await runCommand('rabbitmq-queues', ['--quiet', '-n', node.name, 'quorum_status', row.name, '--vhost', vhost, '--formatter', 'json']);
      const members = JSON.parse(listed) as MemberStatus[];
      const commit = (m: MemberStatus) => Number(m['Commit Index'] ?? m.Commit_Index ?? 0);
      const own = members.find((m) => (m['Node Name'] ?? m.Node_Name) === node.name);
      return own !== undefined && commit(own) + slack >= Math.max(...members.map(commit));
    }),
  );
  return caughtUp.every(Boolean);
}

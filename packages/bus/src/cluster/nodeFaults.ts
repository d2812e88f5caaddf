import { type BrokerNode, type ClusterNode, clusterNodes } from './clusterNodes.ts';
import { nodeCtl, nodeRunning, runningMembers } from './nodeCtl.ts';
import { startNode } from './startNode.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The operating-system pid of a node's Erlang VM (beam.smp). */
export async function nodePid(node: BrokerNode): Promise<number> {
  const pid = Number.parseInt((await nodeCtl(node, 'eval', 'os:getpid().')).replaceAll('"', '').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${node.name}`);
  return pid;
}

/**
 * SIGKILL of a node's VM: it dies mid-write, without closing a connection or leaving the cluster, as a crashed
 * machine would. Resolves with the instant of the kill (epoch ms) once the process is gone.
 */
export async function killNode(node: BrokerNode): Promise<number> {
  const pid = await nodePid(node);
  process.kill(pid, 'SIGKILL');
  const at = Date.now();
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return at;
    }
    await sleep(20);
  }
}

/**
 * Starts a node again on its data (after killNode) and waits until it has rejoined the cluster: every node sees it
 * running. Resolves with the instant it accepted AMQP connections again (epoch ms).
 */
export async function restartNode(node: ClusterNode, timeoutMs = 120_000): Promise<number> {
  await startNode(node);
  const accepting = Date.now();
  const until = Date.now() + timeoutMs;
  const others = clusterNodes.filter((n) => n !== node);
  for (;;) {
    const seen = await Promise.all(others.map(async (n) => (await nodeRunning(n)) && (await runningMembers(n)).includes(node.name)));
    if (seen.every(Boolean)) return accepting;
    if (Date.now() > until) throw new Error(`${node.name} did not rejoin the cluster within ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The client connections to `vhost` per node (by the AMQP port they reached), as `asked` lists them cluster-wide. */
async function connectionsOf(vhost: string, asked: ClusterNode): Promise<Map<ClusterNode, { user: string }[]>> {
  const rows = JSON.parse(await nodeCtl(asked, 'list_connections', 'port', 'vhost', 'user', '--formatter', 'json')) as {
    port: number;
    vhost: string;
    user: string;
  }[];
  return new Map(clusterNodes.map((n) => [n, rows.filter((r) => r.vhost === vhost && r.port === n.amqp)]));
}

/** The broker users connected to `vhost` on `node` (a service's, `trading-gateway`…), sorted, as `asked` lists them. */
export async function usersOnNode(vhost: string, node: ClusterNode, asked: ClusterNode): Promise<string[]> {
  return ((await connectionsOf(vhost, asked)).get(node) ?? []).map((r) => r.user).sort();
}

/** Client connections on `vhost` per node, as `asked` lists them cluster-wide. */
export async function connectionsByNode(vhost: string, asked: ClusterNode): Promise<Map<ClusterNode, number>> {
  return new Map([...(await connectionsOf(vhost, asked))].map(([n, rows]) => [n, rows.length]));
}

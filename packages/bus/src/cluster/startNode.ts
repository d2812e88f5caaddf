import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterNode, clusterRoot } from './clusterNodes.ts';
import { nodeCtl, nodeRunning, runCommand } from './nodeCtl.ts';

/**
 * Starts a node (unless it runs) with its own name, ports, config file and data under clusterRoot, owned by the
 * broker's user, whose Erlang cookie the nodes share, and waits until it has booted. A node that was in the cluster
 * before rejoins it by itself. Run as root (or as the broker's user), like rabbitmqctl.
 */
export async function startNode(node: ClusterNode): Promise<void> {
  if (await nodeRunning(node)) return;
  mkdirSync(join(node.dir, 'mnesia'), { recursive: true });
  mkdirSync(join(node.dir, 'log'), { recursive: true });
  writeFileSync(
    join(node.dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${node.amqp}`,
      `management.tcp.port = ${node.management}`,
      'management.tcp.ip = 127.0.0.1',
      `prometheus.tcp.port = ${node.prometheus}`,
      'prometheus.tcp.ip = 127.0.0.1',
      // Nodes that lost the majority pause rather than serve a split brain.
      'cluster_partition_handling = pause_minority',
      '',
    ].join('\n'),
  );
  writeFileSync(join(node.dir, 'enabled_plugins'), '[rabbitmq_management,rabbitmq_prometheus,rabbitmq_consistent_hash_exchange].\n');
  await runCommand('chown', ['-R', 'rabbitmq:rabbitmq', clusterRoot()]);
  await runCommand('rabbitmq-server', ['-detached'], {
    RABBITMQ_NODENAME: node.name,
    RABBITMQ_NODE_PORT: String(node.amqp),
    RABBITMQ_DIST_PORT: String(node.dist),
    RABBITMQ_CONFIG_FILE: join(node.dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(node.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(node.dir, 'log'),
    // Two cores for three nodes and the stack: one scheduler each.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +SDio 1',
  });
  // `-detached` returns at once: the node answers once its VM has registered its name, then boots.
  const until = Date.now() + 120_000;
  while (!(await nodeRunning(node))) {
    if (Date.now() > until) throw new Error(`${node.name} did not start within 120 s (see ${join(node.dir, 'log')})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await nodeCtl(node, 'await_startup', '--timeout', '120');
}

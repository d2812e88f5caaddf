import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerNode } from './clusterNodes.ts';
import { nodeCtl, nodeRunning, runCommand } from './nodeCtl.ts';

/**
 * Starts a node (unless its VM runs) with its own name, ports, config file and data under its directory, owned by the
 * broker's user, whose Erlang cookie the nodes share, and waits until it has booted. A node that was in a cluster
 * before rejoins it by itself. Run as root (or as the broker's user), like rabbitmqctl.
 */
export async function startNode(node: BrokerNode): Promise<void> {
  if (!(await nodeRunning(node))) {
    mkdirSync(join(node.dir, 'mnesia'), { recursive: true });
    mkdirSync(join(node.dir, 'log'), { recursive: true });
    writeFileSync(join(node.dir, 'rabbitmq.conf'), configOf(node));
    // Every node routes Payment's and Trade's partitions (the consistent-hash exchange); a node with a UI serves metrics too.
    const plugins =
      node.management === undefined ? 'rabbitmq_consistent_hash_exchange' : 'rabbitmq_management,rabbitmq_prometheus,rabbitmq_consistent_hash_exchange';
    writeFileSync(join(node.dir, 'enabled_plugins'), `[${plugins}].\n`);
    await runCommand('chown', ['-R', 'rabbitmq:rabbitmq', node.dir]);
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
  }
  // Also when the VM ran already: its RabbitMQ application may still be booting.
  await nodeCtl(node, 'await_startup', '--timeout', '120');
}

function configOf(node: BrokerNode): string {
  const lines = [`listeners.tcp.default = 127.0.0.1:${node.amqp}`];
  if (node.management !== undefined) lines.push(`management.tcp.port = ${node.management}`, 'management.tcp.ip = 127.0.0.1');
  if (node.prometheus !== undefined) lines.push(`prometheus.tcp.port = ${node.prometheus}`, 'prometheus.tcp.ip = 127.0.0.1');
  // Nodes that lost the majority pause rather than serve a split brain (a node on its own is its own majority).
  lines.push('cluster_partition_handling = pause_minority', '');
  return lines.join('\n');
}

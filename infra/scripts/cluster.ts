// `pnpm cluster up | down [--purge] | status`: a three-node RabbitMQ cluster beside the system broker, for the
// scale-out stack and its fault suite. Each node has its own name, ports, config file and data under .tmp/cluster
// (owned by the broker's user, whose Erlang cookie the nodes share); `up` starts the nodes, joins them to the first,
// provisions the project's vhost, users and topology there, and checks that every quorum queue has a replica on
// every node. Run as root (or as the broker's user), like rabbitmqctl.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keptBrokerPasswords, provisionBroker, randomBrokerPassword } from '@trading/bus';
import { clusterAmqpUrls, clusterNodes, clusterRoot } from './clusterNodes.ts';

const first = clusterNodes[0]!;
type ClusterNode = (typeof clusterNodes)[number];

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

const ctl = (n: ClusterNode, ...args: string[]) => run('rabbitmqctl', ['--quiet', '-n', n.name, ...args]);

async function running(n: ClusterNode): Promise<boolean> {
  try {
    await ctl(n, 'ping');
    return true;
  } catch {
    return false;
  }
}

async function startNode(n: ClusterNode): Promise<void> {
  if (await running(n)) return;
  mkdirSync(join(n.dir, 'mnesia'), { recursive: true });
  mkdirSync(join(n.dir, 'log'), { recursive: true });
  writeFileSync(
    join(n.dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${n.amqp}`,
      `management.tcp.port = ${n.management}`,
      `management.tcp.ip = 127.0.0.1`,
      `prometheus.tcp.port = ${n.prometheus}`,
      `prometheus.tcp.ip = 127.0.0.1`,
      // Nodes that lost the majority pause rather than serve a split brain.
      'cluster_partition_handling = pause_minority',
      '',
    ].join('\n'),
  );
  writeFileSync(join(n.dir, 'enabled_plugins'), '[rabbitmq_management,rabbitmq_prometheus,rabbitmq_consistent_hash_exchange].\n');
  await run('chown', ['-R', 'rabbitmq:rabbitmq', clusterRoot]);
  await run('rabbitmq-server', ['-detached'], {
    RABBITMQ_NODENAME: n.name,
    RABBITMQ_NODE_PORT: String(n.amqp),
    RABBITMQ_DIST_PORT: String(n.dist),
    RABBITMQ_CONFIG_FILE: join(n.dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(n.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(n.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(n.dir, 'log'),
    // Two cores for three nodes and the stack: one scheduler each.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +SDio 1',
  });
}

async function runningMembers(): Promise<string[]> {
  const status = JSON.parse(await ctl(first, 'cluster_status', '--formatter', 'json')) as { running_nodes?: string[] };
  return status.running_nodes ?? [];
}

async function joinFirst(n: ClusterNode): Promise<void> {
  if ((await runningMembers()).includes(n.name)) return;
  await ctl(n, 'stop_app');
  await ctl(n, 'reset');
  await ctl(n, 'join_cluster', first.name);
  await ctl(n, 'start_app');
}

type QueueRow = { name: string; type: string; members?: string[] };

/** Every quorum queue of the vhost with a replica on every node (a queue declared before a node joined grows to it). */
async function replicasEverywhere(): Promise<QueueRow[]> {
  for (const n of clusterNodes.slice(1)) await run('rabbitmq-queues', ['--quiet', '-n', first.name, 'grow', n.name, 'all']).catch(() => undefined);
  const rows = JSON.parse(await ctl(first, 'list_queues', 'name', 'type', 'members', '--formatter', 'json')) as QueueRow[];
  const quorum = rows.filter((row) => row.type === 'quorum');
  const short = quorum.filter((row) => clusterNodes.some((n) => !(row.members ?? []).includes(n.name)));
  if (short.length > 0) throw new Error(`quorum queues without a replica on every node: ${short.map((row) => row.name).join(', ')}`);
  return quorum;
}

async function up(): Promise<void> {
  for (const n of clusterNodes) await startNode(n);
  for (const n of clusterNodes) await ctl(n, 'await_startup', '--timeout', '120');
  for (const n of clusterNodes.slice(1)) await joinFirst(n);
  const joined = await runningMembers();
  const missing = clusterNodes.filter((n) => !joined.includes(n.name));
  if (missing.length > 0) throw new Error(`nodes not in the cluster: ${missing.map((n) => n.name).join(', ')}`);
  const passwords = keptBrokerPasswords(new URL('../../.tmp/broker-passwords.json', import.meta.url).pathname, process.env, randomBrokerPassword, true);
  // provisionBroker's rabbitmqctl targets RABBITMQ_NODENAME: the cluster's first node.
  process.env.RABBITMQ_NODENAME = first.name;
  await provisionBroker(clusterAmqpUrls[0]!, passwords);
  const quorum = await replicasEverywhere();
  process.stdout.write(`
  RabbitMQ cluster is up: ${clusterNodes.map((n) => n.name).join(', ')}
    ${quorum.length} quorum queues, each with a replica on all ${clusterNodes.length} nodes.
    AMQP_URLS      ${clusterAmqpUrls.join(',')}
    Management     ${clusterNodes.map((n) => `http://127.0.0.1:${n.management}`).join('  ')}   (guest / guest)
    Prometheus     ${clusterNodes.map((n) => `http://127.0.0.1:${n.prometheus}/metrics`).join('  ')}
    Stop it with   pnpm cluster down   (--purge also deletes .tmp/cluster)
`);
}

async function status(): Promise<void> {
  for (const n of clusterNodes)
    process.stdout.write(`${n.name}  amqp :${n.amqp}  management :${n.management}  ${(await running(n)) ? 'running' : 'stopped'}\n`);
  if (!(await running(first))) return;
  process.stdout.write(`in the cluster: ${(await runningMembers()).join(', ')}\n`);
  const rows = JSON.parse(await ctl(first, 'list_queues', 'name', 'type', 'members', '--formatter', 'json')) as QueueRow[];
  for (const row of rows.filter((r) => r.type === 'quorum')) process.stdout.write(`  ${row.name}: ${(row.members ?? []).length} replicas\n`);
}

async function down(purge: boolean): Promise<void> {
  for (const n of [...clusterNodes].reverse()) if (await running(n)) await ctl(n, 'stop');
  if (purge) rmSync(clusterRoot, { recursive: true, force: true });
  process.stdout.write(`cluster stopped${purge ? ' and its data deleted' : ''}\n`);
}

const [command, ...flags] = process.argv.slice(2);
const commands: Record<string, () => Promise<void>> = { up, status, down: () => down(flags.includes('--purge')) };
const chosen = command ? commands[command] : undefined;
if (!chosen) {
  process.stderr.write('usage: pnpm cluster up | down [--purge] | status\n');
  process.exit(2);
}
try {
  await chosen();
} catch (err) {
  process.stderr.write(`cluster ${command}: ${(err as Error).message}\n`);
  process.exit(1);
}

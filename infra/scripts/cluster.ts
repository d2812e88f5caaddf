// `pnpm cluster up | down [--purge] | status`: a three-node RabbitMQ cluster beside the system broker, for the
// scale-out stack and its fault suite (the nodes and what each command does: packages/bus/src/cluster). Run as root
// (or as the broker's user), like rabbitmqctl.
import { clusterAmqpUrls, clusterDown, clusterNodes, clusterStatus, clusterUp, keptBrokerPasswords, randomBrokerPassword } from '@trading/bus';

async function up(): Promise<void> {
  const passwords = keptBrokerPasswords(new URL('../../.tmp/broker-passwords.json', import.meta.url).pathname, process.env, randomBrokerPassword, true);
  const quorum = await clusterUp(passwords);
  process.stdout.write(`
  RabbitMQ cluster is up: ${clusterNodes.map((n) => n.name).join(', ')}
    ${quorum.length} quorum queues, each with a replica on all ${clusterNodes.length} nodes.
    AMQP_URLS      ${clusterAmqpUrls().join(',')}
    Management     ${clusterNodes.map((n) => `http://127.0.0.1:${n.management}`).join('  ')}   (guest / guest)
    Prometheus     ${clusterNodes.map((n) => `http://127.0.0.1:${n.prometheus}/metrics`).join('  ')}
    Stop it with   pnpm cluster down   (--purge also deletes .tmp/cluster)
`);
}

async function status(): Promise<void> {
  const { nodes, members, quorum } = await clusterStatus();
  for (const { node, running } of nodes)
    process.stdout.write(`${node.name}  amqp :${node.amqp}  management :${node.management}  ${running ? 'running' : 'stopped'}\n`);
  if (members.length === 0) return;
  process.stdout.write(`in the cluster: ${members.join(', ')}\n`);
  for (const row of quorum) process.stdout.write(`  ${row.name}: ${(row.members ?? []).length} replicas, leader ${row.leader}\n`);
}

async function down(purge: boolean): Promise<void> {
  await clusterDown(purge);
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

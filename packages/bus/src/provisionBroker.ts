import { type Topology, topology } from '@trading/contracts';
import amqp, { type ChannelModel } from 'amqplib';
import { toAccessDefinitions } from './accessDefinitions.ts';
import { assertTopology } from './assertTopology.ts';
import { usernameOf, vhostOf } from './brokerUrl.ts';
import type { BrokerPasswords } from './brokerPasswords.ts';
import { importDefinitions } from './rabbitmqctl.ts';

/**
 * Provisions the vhost of `adminUrl` as the broker's admin, before the services start: creates the vhost if it is
 * missing, each service's user with its password and its permissions there (rabbitmqctl import_definitions on the
 * local node, the password hashes on its standard input; the admin keeps full permissions on the vhost), then
 * asserts the whole topology over AMQP as the admin and removes the retired bindings; a `replaceable` queue declared
 * otherwise before is deleted and declared anew. Idempotent. A user's password
 * is set to the one given: every stack sharing the broker must give the same ones. `node` names the node whose
 * rabbitmqctl imports the definitions (a cluster's: `trading-1@localhost`), by default the local one.
 */
export async function provisionBroker(adminUrl: string, passwords: BrokerPasswords, node?: string): Promise<void> {
  const vhost = vhostOf(adminUrl);
  const access = toAccessDefinitions(vhost, passwords);
  const admin = { user: usernameOf(adminUrl), vhost, configure: '.*', write: '.*', read: '.*' };
  await importDefinitions({ vhosts: [{ name: vhost }], ...access, permissions: [admin, ...access.permissions] }, node);
  const connection = await amqp.connect(adminUrl);
  try {
    await replaceChangedQueues(connection, topology);
    await assertTopology(await connection.createChannel(), topology).catch((err: Error) => {
      if (!/exchange type/i.test(err.message)) throw err;
      throw new Error(`${err.message}: enable the plugin first (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange)`);
    });
  } finally {
    await connection.close();
  }
}

/** PRECONDITION_FAILED: the queue exists with other arguments than those declared. */
const PRECONDITION_FAILED = 406;

/**
 * Deletes each `replaceable` queue whose existing declaration differs from the topology's (the broker refuses the
 * declaration with PRECONDITION_FAILED, which closes the channel), so that assertTopology declares it anew.
 */
async function replaceChangedQueues(connection: ChannelModel, { queues }: Topology): Promise<void> {
  for (const queue of queues.filter((q) => q.replaceable)) {
    const probe = await connection.createChannel();
    probe.on('error', () => undefined);
    const refused = await probe.assertQueue(queue.name, { durable: queue.durable, arguments: queue.arguments }).then(
      () => false,
      (err: { code?: number }) => err.code === PRECONDITION_FAILED || Promise.reject(err),
    );
    if (!refused) {
      await probe.close();
      continue;
    }
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue.name);
    await channel.close();
  }
}

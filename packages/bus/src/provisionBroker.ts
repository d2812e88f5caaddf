import { topology } from '@trading/contracts';
import amqp from 'amqplib';
import { toAccessDefinitions } from './accessDefinitions.ts';
import { assertTopology } from './assertTopology.ts';
import { usernameOf, vhostOf } from './brokerUrl.ts';
import type { BrokerPasswords } from './brokerPasswords.ts';
import { importDefinitions } from './rabbitmqctl.ts';

/**
 * Provisions the vhost of `adminUrl` as the broker's admin, before the services start: creates the vhost if it is
 * missing, each service's user with its password and its permissions there (rabbitmqctl import_definitions on the
 * local node, the password hashes on its standard input; the admin keeps full permissions on the vhost), then
 * asserts the whole topology over AMQP as the admin and removes the retired bindings. Idempotent. A user's password
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
    await assertTopology(await connection.createChannel(), topology);
  } finally {
    await connection.close();
  }
}

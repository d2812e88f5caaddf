import { createHash } from 'node:crypto';
import type { Topology } from '@trading/contracts';
import { toAccessDefinitions } from './accessDefinitions.ts';
import type { BrokerPasswords } from './brokerPasswords.ts';

/** Each user's salt taken from its name, so the same passwords always give the same file. */
const saltOfName = (user: string): Buffer => createHash('sha256').update(user, 'utf8').digest().subarray(0, 4);

/**
 * The topology in RabbitMQ's definitions format, for `load_definitions` or the management API's import. With
 * `passwords`, also the service users (their password hashes) and their permissions on the vhost.
 */
export function toDefinitions(topology: Topology, vhost = '/', passwords?: BrokerPasswords) {
  const access = passwords && toAccessDefinitions(vhost, passwords, saltOfName);
  return {
    rabbit_version: '3.10.8',
    ...(access && { users: access.users }),
    vhosts: [{ name: vhost }],
    ...(access && { permissions: access.permissions, topic_permissions: access.topic_permissions }),
    exchanges: topology.exchanges.map((e) => ({
      name: e.name,
      vhost,
      type: e.type,
      durable: e.durable,
      auto_delete: false,
      internal: false,
      arguments: e.arguments ?? {},
    })),
    queues: topology.queues.map((q) => ({ name: q.name, vhost, durable: q.durable, auto_delete: false, arguments: q.arguments })),
    bindings: topology.bindings.map((b) => ({
      source: b.source,
      vhost,
      destination: b.destination,
      destination_type: b.destinationType,
      routing_key: b.routingKey,
      arguments: {},
    })),
  };
}

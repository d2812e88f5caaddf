import type { Topology } from '@trading/contracts';

/** The topology in RabbitMQ's definitions format, for `load_definitions` or the management UI's import. */
export function toDefinitions(topology: Topology, vhost = '/') {
  return {
    rabbit_version: '3.10.8',
    vhosts: [{ name: vhost }],
    exchanges: topology.exchanges.map((e) => ({
      name: e.name,
      vhost,
      type: e.type,
      durable: e.durable,
      auto_delete: false,
      internal: false,
      arguments: {},
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

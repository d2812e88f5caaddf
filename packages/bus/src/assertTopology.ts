import type { Topology } from '@trading/contracts';
import type { Channel } from 'amqplib';

/**
 * Declares every exchange, queue and binding of the topology, removes its retired bindings, and checks that its
 * `checkedExchanges` exist (passively: that needs no permission). Idempotent: safe on every (re)connect.
 */
export async function assertTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable, arguments: exchange.arguments });
  }
  for (const name of topology.checkedExchanges ?? []) await channel.checkExchange(name);
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, { durable: queue.durable, arguments: queue.arguments });
  }
  for (const binding of topology.bindings) {
    if (binding.destinationType === 'exchange') {
      await channel.bindExchange(binding.destination, binding.source, binding.routingKey);
    } else {
      await channel.bindQueue(binding.destination, binding.source, binding.routingKey);
    }
  }
  for (const binding of topology.retiredBindings) {
    if (binding.destinationType === 'exchange') {
      await channel.unbindExchange(binding.destination, binding.source, binding.routingKey);
    } else {
      await channel.unbindQueue(binding.destination, binding.source, binding.routingKey);
    }
  }
}

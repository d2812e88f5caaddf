import type { ServiceName } from './brokerUsers.ts';
import { accountKey } from './accountStream.ts';
import { eventRoutingKeys, priceTickKey } from './messages.ts';
import { type BindingDeclaration, exchanges, partitionExchanges, partitionQueues, queues, type Topology, topology } from './topology.ts';

/** The exchanges each service publishes to. Every consumer also publishes to `dead-letter` what it gives up on. */
export const publishesTo: Record<ServiceName, readonly string[]> = {
  gateway: [exchanges.api, exchanges.payment],
  payment: [exchanges.paymentResponse, exchanges.domainEvents, exchanges.events, exchanges.accounts],
  // `payment`: only schema version 1's saga commands, which an old Trade may have left in the outbox (legacy.ts).
  trade: [exchanges.apiResponse, exchanges.domainEvents, exchanges.events, exchanges.payment, exchanges.accounts],
  reporting: [exchanges.apiResponse],
  market: [exchanges.market],
};

/**
 * The durable queues each service consumes: Payment's and Trade's partitions, and the queue they had before partitions
 * (drained, no longer bound). The gateway's is private: gateway.<instance>, one per instance, gone with it.
 */
export const serviceQueues: Record<ServiceName, readonly string[]> = {
  gateway: [],
  payment: [queues.payment, ...partitionQueues.payment],
  trade: [queues.trade, ...partitionQueues.trade],
  reporting: [queues.reporting, queues.reportingQueries],
  market: [],
};

/**
 * Queues a service consumes without owning them: the provisioning declares them, and the service may only read them
 * (consume, purge), neither declare, delete nor bind them. Reporting keeps every dead letter in its store, where the
 * operator handles it (pnpm dlq).
 */
export const consumedQueues: Partial<Record<ServiceName, readonly string[]>> = {
  reporting: [queues.deadLetter],
};

/** Services that only publish: no queue of any kind, so nothing to configure or read, and nothing to dead-letter. */
export const publishOnly: ReadonlySet<ServiceName> = new Set(['market']);

/**
 * Where a service that follows the market binds a private queue (server-named, one per instance): every symbol's
 * ticks. Trade prices its orders from them.
 */
export const marketTickBinding = { exchange: exchanges.market, routingKey: priceTickKey('*') } as const;
export const followsMarket: ReadonlySet<ServiceName> = new Set(['trade', 'reporting']);

/**
 * Where a gateway binds its private queue: its replies on both response exchanges, and revoked credentials on
 * `domain-events` (and on `payment-response`, where schema version 1 announced them).
 */
export const gatewayReplySources = [exchanges.apiResponse, exchanges.paymentResponse, exchanges.domainEvents] as const;

/**
 * What a gateway binds its feed queue to (a private queue of its own, server-named), one binding per feed its
 * subscribers want and only while they want it: a symbol's ticks on `market`, completed trades on
 * `domain-events` (their routing key names no symbol: the gateway keeps the symbols it serves), and one user's
 * account changes on `accounts` (so a gateway receives only the accounts its sockets follow).
 */
export const gatewayFeedBindings = {
  ticker: (symbol: string) => ({ exchange: exchanges.market, routingKey: priceTickKey(symbol) }),
  trades: { exchange: exchanges.domainEvents, routingKey: eventRoutingKeys.SagaCompleted },
  account: (userId: string) => ({ exchange: exchanges.accounts, routingKey: accountKey(userId) }),
} as const;

/** The exchanges a gateway binds its feed queue from (besides `domain-events`, one of its reply sources). */
export const gatewayFeedSources = [exchanges.market, exchanges.accounts] as const;

/** Routing key of a revoked credential: every gateway instance forgets it at once. */
export const credentialRevokedKey = eventRoutingKeys.CredentialRevoked;

/** The exchange a service owns the bindings to: its consistent-hash exchange, if it is partitioned. */
export const ownExchange = (service: ServiceName): string | undefined =>
  service === 'payment' || service === 'trade' ? partitionExchanges[service] : undefined;

/** The bindings of a service's own queues, and of its own consistent-hash exchange, as the topology declares them. */
export function serviceBindings(service: ServiceName): BindingDeclaration[] {
  const own = serviceQueues[service];
  return topology.bindings.filter((b) => (b.destinationType === 'queue' ? own.includes(b.destination) : b.destination === ownExchange(service)));
}

/**
 * The part of the topology a service asserts with its own broker user at every (re)connect: its queues and their
 * bindings (and its consistent-hash exchange's), declared; its own queues' retired bindings, removed (an instance of
 * an earlier version may have bound them again); every exchange it binds from, publishes or dead-letters to, only
 * checked to exist. The rest (exchanges, other queues and bindings) is the provisioning's, done as the broker's admin.
 */
export function topologyFor(service: ServiceName): Topology {
  const own = serviceQueues[service];
  const bindings = serviceBindings(service);
  const sources = [
    ...(service === 'gateway' ? [...gatewayReplySources, ...gatewayFeedSources] : bindings.map((b) => b.source)),
    ...(followsMarket.has(service) ? [marketTickBinding.exchange] : []),
  ];
  return {
    exchanges: [],
    queues: topology.queues.filter((q) => own.includes(q.name)),
    bindings,
    retiredBindings: topology.retiredBindings.filter((b) => b.destinationType === 'queue' && own.includes(b.destination)),
    checkedExchanges: [...new Set([...sources, ...publishesTo[service], ...(publishOnly.has(service) ? [] : [exchanges.deadLetter])])],
  };
}

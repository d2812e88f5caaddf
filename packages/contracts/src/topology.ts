import { eventRoutingKeys } from './messages.ts';
import { reactions } from './reactions.ts';

/*
 * The whole RabbitMQ topology as data: asserted by the broker's provisioning (provisionBroker in @trading/bus),
 * each service asserting its own part at start (topologyFor), and written out as infra/rabbitmq/definitions.json
 * (`pnpm --filter @trading/bus definitions`).
 *
 * - `api` and `payment` (topic) carry clients' requests, routing key <consumer>.<action>.
 * - `api-response` and `payment-response` (topic) carry replies, routing key gateway.<instance>.
 * - `domain-events` (topic) carries every domain event, one per message, routing key producer.entity.event
 *   (trade.order.accepted, payment.funds.reserved). Each service binds its queue to the events it reacts to
 *   (reactions.ts), and nothing else: that is the saga's choreography.
 * - The `events` fanout carries every domain event again, as EventBatch messages, for Reporting: each producer
 *   publishes the events of one transaction as one message, so a busy service sends Reporting one message for
 *   many events.
 * - `market` (topic) carries the market's price ticks, routing key market.tick.<SYMBOL> (PriceTicked). No queue is
 *   bound to it here: a consumer binds its own.
 * - `accounts` (topic) carries the changes of each user's account (accountStream.ts), routing key
 *   account.<user_id>, published by Payment and Trade. No queue is bound to it here: a gateway binds its feed queue
 *   to the accounts its sockets follow, while they follow them.
 * - Payment's and Trade's messages (their clients' requests, which are commands, and the events each reacts to) go
 *   through the service's consistent-hash exchange (<service>.partitions, from the plugin
 *   rabbitmq_consistent_hash_exchange) to one of PARTITIONS durable quorum queues, <service>.commands.<n>, chosen by
 *   the hash of the message's `x-partition-key` header: its user's id (partitionKeyOf). One user's messages therefore
 *   always wait in one queue, which one instance of the service consumes at a time (the queue is a single active
 *   consumer's, and instances share the partitions by PostgreSQL locks: partitionOwnership.ts in @trading/db). Failures
 *   go to `dead-letter`. The queue the services had before partitions (<service>.commands) is kept unbound, so what an
 *   earlier version left in it is still consumed; its bindings are retired.
 * - Reporting consumes one durable quorum queue of events, reporting.events. Reporting has a second queue,
 *   `reporting.queries`, for REPORT requests alone, so a flood of queries never delays the events it ingests. It is a
 *   quorum queue too, so it outlives the loss of a cluster node, but without a dead-letter exchange: a query expires
 *   (the gateway publishes it with its reply timeout as its TTL) once its client has given up and is simply dropped.
 *   Earlier versions declared it classic, pinned to one node: the provisioning replaces such a one (`replaceable`).
 */
export const exchanges = {
  api: 'api',
  payment: 'payment',
  apiResponse: 'api-response',
  paymentResponse: 'payment-response',
  domainEvents: 'domain-events',
  events: 'events',
  deadLetter: 'dead-letter',
  market: 'market',
  accounts: 'accounts',
} as const;

export const queues = {
  /** Before partitions, every message of Payment (of Trade) waited here: now unbound, only drained. */
  payment: 'payment.commands',
  trade: 'trade.commands',
  reporting: 'reporting.events',
  reportingQueries: 'reporting.queries',
  deadLetter: 'dead-letter',
} as const;

/**
 * How many partitions Payment's and Trade's queues have: the most instances of a service that share its work. Changing
 * it moves users to other partitions, so it is done with the services stopped and the queues drained.
 */
export const PARTITIONS = 8;

/** The header the consistent-hash exchanges hash: the message's user (partitionKeyOf). */
export const PARTITION_HEADER = 'x-partition-key';

export type PartitionedService = 'payment' | 'trade';

/** Each partitioned service's consistent-hash exchange. */
export const partitionExchanges: Record<PartitionedService, string> = { payment: 'payment.partitions', trade: 'trade.partitions' };

/** A partition's queue: <service>.commands.<n>, n from 0 to PARTITIONS - 1. */
export const partitionQueue = (service: PartitionedService, partition: number): string => `${service}.commands.${partition}`;

export const partitionQueues: Record<PartitionedService, readonly string[]> = {
  payment: Array.from({ length: PARTITIONS }, (_, n) => partitionQueue('payment', n)),
  trade: Array.from({ length: PARTITIONS }, (_, n) => partitionQueue('trade', n)),
};

/**
 * The key a message is partitioned by: the `user_id` its body names (every request that acts on an account, and every
 * domain event of one), else its message id, which spreads the rest (a key check, a new user) over the partitions.
 */
export function partitionKeyOf(body: unknown, messageId: string): string {
  const userId = (body as { user_id?: unknown } | null)?.user_id;
  return typeof userId === 'string' ? userId : messageId;
}

export type ExchangeDeclaration = {
  name: string;
  type: 'topic' | 'fanout' | 'x-consistent-hash';
  durable: true;
  arguments?: Record<string, string>;
};
export type QueueDeclaration = {
  name: string;
  durable: true;
  arguments: Record<string, string | number | boolean>;
  /**
   * The queue only ever holds messages that expire within seconds (queries): when its declaration changes (its type,
   * say), the provisioning deletes it and declares it anew, losing only queries whose clients are about to give up.
   */
  replaceable?: true;
};
export type BindingDeclaration = { source: string; destination: string; destinationType: 'queue' | 'exchange'; routingKey: string };
export type Topology = {
  exchanges: ExchangeDeclaration[];
  queues: QueueDeclaration[];
  bindings: BindingDeclaration[];
  /** Bindings an earlier version declared: removed at start, so a broker that still has them changes over by itself. */
  retiredBindings: BindingDeclaration[];
  /** Exchanges used but declared by someone else (a service's part: the provisioning declares them): only checked. */
  checkedExchanges?: string[];
};

/** Deliveries of one message before it is dead-lettered by the broker, even if its consumer keeps crashing. */
export const DELIVERY_LIMIT = 5;

const serviceQueue = (name: string): QueueDeclaration => ({
  name,
  durable: true,
  arguments: {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': exchanges.deadLetter,
    'x-delivery-limit': DELIVERY_LIMIT,
  },
});

/** A partition: a service queue that one consumer at a time receives from, whatever the instances' locks say. */
const partitionQueueDeclaration = (name: string): QueueDeclaration => {
  const queue = serviceQueue(name);
  return { ...queue, arguments: { ...queue.arguments, 'x-single-active-consumer': true } };
};

const toExchange = (source: string, destination: string, routingKey: string): BindingDeclaration => ({
  source,
  destination,
  destinationType: 'exchange',
  routingKey,
});

/** Each partition bound to its service's consistent-hash exchange with the same weight: one point range each. */
const partitionBindings = (service: PartitionedService): BindingDeclaration[] =>
  partitionQueues[service].map((queue) => toQueue(partitionExchanges[service], queue, '1'));

const toQueue = (source: string, destination: string, routingKey: string): BindingDeclaration => ({
  source,
  destination,
  destinationType: 'queue',
  routingKey,
});

/** A service's queue (or exchange) bound to each event it reacts to. */
const reactionBindings = (destination: string, events: readonly (keyof typeof eventRoutingKeys)[], bind: typeof toQueue = toQueue): BindingDeclaration[] =>
  events.map((type) => bind(exchanges.domainEvents, destination, eventRoutingKeys[type]));

/**
 * Schema version 1 (versions.ts): Payment answered Trade's saga commands on `payment-response`. Kept while version 1
 * is read, so an answer an old Payment left in its outbox still reaches Trade after an upgrade.
 */
const sagaAnswersV1 = (bind: typeof toQueue, destination: string) =>
  reactions.trade.map((type) => bind(exchanges.paymentResponse, destination, eventRoutingKeys[type]));

export const topology: Topology = {
  exchanges: [
    ...Object.values(exchanges).map(
      (name): ExchangeDeclaration => ({
        name,
        type: name === exchanges.events || name === exchanges.deadLetter ? 'fanout' : 'topic',
        durable: true,
      }),
    ),
    ...Object.values(partitionExchanges).map(
      (name): ExchangeDeclaration => ({ name, type: 'x-consistent-hash', durable: true, arguments: { 'hash-header': PARTITION_HEADER } }),
    ),
  ],
  queues: [
    serviceQueue(queues.payment),
    serviceQueue(queues.trade),
    ...partitionQueues.payment.map(partitionQueueDeclaration),
    ...partitionQueues.trade.map(partitionQueueDeclaration),
    serviceQueue(queues.reporting),
    { name: queues.reportingQueries, durable: true, arguments: { 'x-queue-type': 'quorum' }, replaceable: true },
    { name: queues.deadLetter, durable: true, arguments: { 'x-queue-type': 'quorum' } },
  ],
  bindings: [
    toExchange(exchanges.payment, partitionExchanges.payment, 'payment.#'),
    ...reactionBindings(partitionExchanges.payment, reactions.payment, toExchange),
    ...partitionBindings('payment'),
    toExchange(exchanges.api, partitionExchanges.trade, 'trade.*'),
    ...reactionBindings(partitionExchanges.trade, reactions.trade, toExchange),
    ...sagaAnswersV1(toExchange, partitionExchanges.trade),
    ...partitionBindings('trade'),
    toQueue(exchanges.api, queues.reportingQueries, 'reporting.*'),
    toQueue(exchanges.events, queues.reporting, ''),
    toQueue(exchanges.deadLetter, queues.deadLetter, ''),
  ],
  retiredBindings: [
    // Until events were published in batches, each response exchange forwarded its producer's events to the fanout.
    { source: exchanges.paymentResponse, destination: exchanges.events, destinationType: 'exchange', routingKey: 'payment.#' },
    { source: exchanges.apiResponse, destination: exchanges.events, destinationType: 'exchange', routingKey: 'trade.#' },
    // Until REPORT had its own queue, it shared Reporting's event queue.
    toQueue(exchanges.api, queues.reporting, 'reporting.*'),
    // Until partitions, Payment's and Trade's messages went to one queue each.
    toQueue(exchanges.payment, queues.payment, 'payment.#'),
    ...reactionBindings(queues.payment, reactions.payment),
    toQueue(exchanges.api, queues.trade, 'trade.*'),
    ...reactionBindings(queues.trade, reactions.trade),
    ...sagaAnswersV1(toQueue, queues.trade),
  ],
};

/**
 * Each gateway instance has its own exclusive reply queue, named like the routing key it binds on both response exchanges:
 * gateway.<instance>, so the management UI says whose it is.
 */
export const gatewayReplyKey = (instanceId: string): string => `gateway.${instanceId}`;

const partitionExchangeNames: ReadonlySet<string> = new Set(Object.values(partitionExchanges));

/** The exchanges whose messages may reach a partition: every message published there carries PARTITION_HEADER. */
export const partitionedSources: ReadonlySet<string> = new Set(
  topology.bindings.filter((b) => b.destinationType === 'exchange' && partitionExchangeNames.has(b.destination)).map((b) => b.source),
);

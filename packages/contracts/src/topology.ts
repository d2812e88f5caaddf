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
 * - One durable quorum queue per consuming service (named <service>.commands: its clients' requests, which are
 *   commands, and the events it reacts to); failures go to `dead-letter`. Reporting has a second queue,
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
  payment: 'payment.commands',
  trade: 'trade.commands',
  reporting: 'reporting.events',
  reportingQueries: 'reporting.queries',
  deadLetter: 'dead-letter',
} as const;

export type ExchangeDeclaration = { name: string; type: 'topic' | 'fanout'; durable: true };
export type QueueDeclaration = {
  name: string;
  durable: true;
  arguments: Record<string, string | number>;
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

const toQueue = (source: string, destination: string, routingKey: string): BindingDeclaration => ({
  source,
  destination,
  destinationType: 'queue',
  routingKey,
});

/** A service's queue bound to each event it reacts to. */
const reactionBindings = (queue: string, events: readonly (keyof typeof eventRoutingKeys)[]): BindingDeclaration[] =>
  events.map((type) => toQueue(exchanges.domainEvents, queue, eventRoutingKeys[type]));

/**
 * Schema version 1 (versions.ts): Payment answered Trade's saga commands on `payment-response`. Kept while version 1
 * is read, so an answer an old Payment left in its outbox still reaches Trade after an upgrade.
 */
const sagaAnswersV1 = reactions.trade.map((type) => toQueue(exchanges.paymentResponse, queues.trade, eventRoutingKeys[type]));

export const topology: Topology = {
  exchanges: Object.values(exchanges).map((name) => ({
    name,
    type: name === exchanges.events || name === exchanges.deadLetter ? 'fanout' : 'topic',
    durable: true,
  })),
  queues: [
    serviceQueue(queues.payment),
    serviceQueue(queues.trade),
    serviceQueue(queues.reporting),
    { name: queues.reportingQueries, durable: true, arguments: { 'x-queue-type': 'quorum' }, replaceable: true },
    { name: queues.deadLetter, durable: true, arguments: { 'x-queue-type': 'quorum' } },
  ],
  bindings: [
    toQueue(exchanges.payment, queues.payment, 'payment.#'),
    ...reactionBindings(queues.payment, reactions.payment),
    toQueue(exchanges.api, queues.trade, 'trade.*'),
    ...reactionBindings(queues.trade, reactions.trade),
    ...sagaAnswersV1,
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
  ],
};

/**
 * Each gateway instance has its own exclusive reply queue, named like the routing key it binds on both response exchanges:
 * gateway.<instance>, so the management UI says whose it is.
 */
export const gatewayReplyKey = (instanceId: string): string => `gateway.${instanceId}`;

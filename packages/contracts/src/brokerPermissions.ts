import { ACCOUNT_KEY_PATTERN } from './accountStream.ts';
import { type ServiceName, serviceNames } from './brokerUsers.ts';
import { sagaCommandKeysV1 } from './legacy.ts';
import { priceTickKey } from './messages.ts';
import {
  consumedQueues,
  credentialRevokedKey,
  followsMarket,
  gatewayFeedBindings,
  gatewayFeedSources,
  gatewayReplySources,
  marketTickBinding,
  ownExchange,
  publishOnly,
  publishesTo,
  serviceBindings,
  serviceQueues,
} from './serviceTopology.ts';
import { exchanges, topology } from './topology.ts';

/*
 * Least privilege on the broker, derived from the topology and what each service publishes (serviceTopology.ts).
 * RabbitMQ checks, per resource name: configure to declare or delete a queue; write on an exchange to publish, on a
 * queue to bind it; read on a queue to consume or purge it, on an exchange to bind from it. Declaring passively
 * needs none. Topic permissions narrow the routing keys a user may publish with (write) or bind with (read).
 */

/** A user's permissions on the vhost: regular expressions over exchange and queue names. */
export type BrokerPermission = { configure: string; write: string; read: string };
/** A user's topic permission on one topic exchange: regular expressions over routing keys. */
export type BrokerTopicPermission = { exchange: string; write: string; read: string };

const escapeRegExp = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (alternatives: readonly string[]): string => `^(${[...new Set(alternatives)].join('|')})$`;
const ANY = '.*';
/** RabbitMQ's "nothing": only the empty name, which no queue or exchange a user may touch has. */
const NOTHING = '^$';

/** A market follower's private queue of ticks: server-named, exclusive to its connection. */
const SERVER_NAMED = 'amq\\.gen-.+';
/** A gateway instance's private queue, gateway.<instance> (its reply key's name): exclusive to its connection. */
const GATEWAY_QUEUE = 'gateway\\.[^.*#]+';
/** A gateway's reply key, gateway.<instance>: no wildcard, so it cannot bind to other traffic. */
const GATEWAY_REPLY_KEY = 'gateway\\.[^.*#]+';
/** Schema version 1's saga commands: only Trade may publish them (from an old outbox row), and no gateway. */
const sagaCommandKeys = Object.values(sagaCommandKeysV1).map(escapeRegExp);
/** A producer's own events on `domain-events`: <producer>.<entity>.<event>, no wildcard. */
const ownEventKeys = (service: ServiceName): string => `^${service}\\.[a-z_]+\\.[a-z_]+$`;
/** The market publishes only market.tick.<SYMBOL> (one word, no wildcard), and binds nothing. */
const MARKET_TICK_KEY = `^${escapeRegExp(priceTickKey(''))}[A-Z0-9]+$`;

function permissionFor(service: ServiceName): BrokerPermission {
  if (publishOnly.has(service)) return { configure: NOTHING, write: anyOf(publishesTo[service].map(escapeRegExp)), read: NOTHING };
  const queues = serviceQueues[service];
  const own = [...queues.map(escapeRegExp), ...(service === 'gateway' ? [GATEWAY_QUEUE] : []), ...(followsMarket.has(service) ? [SERVER_NAMED] : [])];
  const sources = [
    ...(service === 'gateway' ? [...gatewayReplySources, ...gatewayFeedSources] : serviceBindings(service).map((b) => b.source)),
    ...(followsMarket.has(service) ? [marketTickBinding.exchange] : []),
  ];
  // Write on its consistent-hash exchange, to bind it to its sources; configure on it is the provisioning's.
  const bound = [ownExchange(service)].filter((e) => e !== undefined).map(escapeRegExp);
  return {
    configure: anyOf(own),
    write: anyOf([...own, ...bound, ...[...publishesTo[service], exchanges.deadLetter].map(escapeRegExp)]),
    read: anyOf([...own, ...(consumedQueues[service] ?? []).map(escapeRegExp), ...sources.map(escapeRegExp)]),
  };
}

const isTopic = (exchange: string): boolean => topology.exchanges.some((e) => e.name === exchange && e.type === 'topic');

/**
 * A service binds its queue with exactly the keys of the topology, and publishes on `domain-events` only its own
 * events (so no one else can announce that funds were reserved or a trade recorded); the market only ticks.
 */
function topicPermissionsFor(service: ServiceName): BrokerTopicPermission[] {
  const keysBySource = new Map<string, string[]>();
  for (const b of serviceBindings(service).filter((b) => isTopic(b.source))) {
    keysBySource.set(b.source, [...(keysBySource.get(b.source) ?? []), escapeRegExp(b.routingKey)]);
  }
  const reads = [...keysBySource].map(([exchange, keys]) => ({
    exchange,
    write: exchange === exchanges.domainEvents ? ownEventKeys(service) : ANY,
    read: anyOf(keys),
  }));
  if (service === 'market') return [{ exchange: exchanges.market, write: MARKET_TICK_KEY, read: NOTHING }];
  if (publishesTo[service].includes(exchanges.domainEvents) && !keysBySource.has(exchanges.domainEvents)) {
    reads.push({ exchange: exchanges.domainEvents, write: ownEventKeys(service), read: NOTHING });
  }
  // A market follower binds the ticks of every symbol, and publishes nothing there.
  if (followsMarket.has(service)) reads.push({ exchange: exchanges.market, write: NOTHING, read: anyOf([escapeRegExp(marketTickBinding.routingKey)]) });
  // Payment and Trade announce account changes, each only as account.<user_id>, and bind nothing there.
  if (publishesTo[service].includes(exchanges.accounts)) reads.push({ exchange: exchanges.accounts, write: ACCOUNT_KEY_PATTERN, read: NOTHING });
  return service === 'trade' ? [...reads, { exchange: exchanges.payment, write: anyOf(sagaCommandKeys), read: ANY }] : reads;
}

/**
 * The gateway binds only its own reply keys, revoked credentials, the public feeds (one symbol's ticks, completed
 * trades) and one user's account changes at a time, and may not publish a saga command, an event, a tick nor an
 * account change.
 */
const gatewayTopicPermissions: BrokerTopicPermission[] = [
  { exchange: exchanges.payment, write: `^(?!${anyOf(sagaCommandKeys)}).+$`, read: ANY },
  { exchange: exchanges.apiResponse, write: ANY, read: anyOf([GATEWAY_REPLY_KEY]) },
  { exchange: exchanges.paymentResponse, write: ANY, read: anyOf([GATEWAY_REPLY_KEY, escapeRegExp(credentialRevokedKey)]) },
  {
    exchange: exchanges.domainEvents,
    write: NOTHING,
    read: anyOf([escapeRegExp(credentialRevokedKey), escapeRegExp(gatewayFeedBindings.trades.routingKey)]),
  },
  { exchange: exchanges.market, write: NOTHING, read: MARKET_TICK_KEY },
  { exchange: exchanges.accounts, write: NOTHING, read: ACCOUNT_KEY_PATTERN },
];

export const brokerPermissions = Object.fromEntries(serviceNames.map((s) => [s, permissionFor(s)])) as Record<ServiceName, BrokerPermission>;

export const brokerTopicPermissions = Object.fromEntries(
  serviceNames.map((s) => [s, s === 'gateway' ? gatewayTopicPermissions : topicPermissionsFor(s)]),
) as Record<ServiceName, BrokerTopicPermission[]>;

import { type Delivery, serviceOfBrokerUser, type Topology, topologyFor } from '@trading/contracts';
import type { Logger } from '@trading/platform';
import type { Channel, ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import { type BrokerUrls, brokerUrlList, usernameOf } from './brokerUrl.ts';

export type BusOptions = {
  /** The broker, or a cluster's nodes: a lost connection moves to the next node (connect.ts). */
  url: BrokerUrls;
  logger: Logger;
  /** Name written as the AMQP app-id of every published message. */
  service: string;
  /**
   * Asserted on every (re)connect: all of it by the broker's admin or any other user, but by a service's broker user
   * (brokerUsers) only the part its permissions allow, topologyFor(service); provisionBroker asserts the rest.
   */
  topology?: Topology;
  /** Unacked messages a consumer holds at once. */
  prefetch: number;
  /** Handler failures before a message is dead-lettered with the error as its reason. */
  maxAttempts?: number;
  heartbeatSeconds?: number;
  /** How long `publish` waits for a connection before failing. */
  publishTimeoutMs?: number;
  /** Connection attempts at start before giving up with one clear line. */
  startAttempts?: number;
};

/** Resolving acks the message; throwing retries it, then dead-letters it with the error as reason. */
export type Handler = (delivery: Delivery) => Promise<void>;

export type Binding = { exchange: string; routingKey: string };

export type Consumer = {
  handler: Handler;
  queue?: string;
  /** For a private queue: it lives as long as the connection (exclusive, auto-delete), declared again on every reconnect. */
  bindings?: readonly Binding[];
  /** The private queue's name (a gateway's `gateway.<instance>`, so the management UI says whose it is); default server-named (amq.gen-…). */
  privateName?: string;
  /** The server's name of the private queue on the current connection (set by startConsumer). */
  privateQueue?: string;
  /** Messages in hand at once on this consumer; default the bus's `prefetch`. */
  prefetch?: number;
  channel?: Channel;
  tag?: string;
  /** Set once the consumer is being removed (removeConsumer): its new deliveries are left for the broker to return. */
  stopping?: boolean;
  /** The messages of this consumer in hand. */
  readonly inFlight: Set<Promise<void>>;
};

/** What the bus's verbs share: the connection as it is now, the registered consumers and the messages in hand. */
export type BusState = {
  readonly options: BusOptions;
  readonly log: Logger;
  /** The connection's user: the broker refuses a message whose AMQP user-id is anybody else. */
  readonly username: string;
  readonly topology: Topology | undefined;
  connection?: RecoveringChannelModel;
  /** The live connection; null while it is down. */
  model: ChannelModel | null;
  /** The confirm channel messages are published on; null while the connection is down. */
  publishChannel: ConfirmChannel | null;
  /** Publishes waiting for the connection to come back. */
  waiters: Array<(channel: ConfirmChannel) => void>;
  /** True while a nacked publish channel is being replaced (renewPublishChannel), and when it last was. */
  renewing: boolean;
  renewedAt: number;
  /** Set while the publish channel's buffer is full: resolves on its `drain`. */
  drained: Promise<unknown> | null;
  readonly consumers: Consumer[];
  readonly inFlight: Set<Promise<void>>;
  consuming: boolean;
  closing: boolean;
  /** True while the broker blocks publishers (a memory or disk alarm). */
  blocked: boolean;
  /** Successful (re)connects so far. */
  connects: number;
  readonly reconnectListeners: Array<() => void>;
  /** Told when the connection is lost, before any attempt to reconnect. */
  readonly disconnectListeners: Array<() => void>;
};

export function createBusState(options: BusOptions): BusState {
  const username = usernameOf(brokerUrlList(options.url)[0]!);
  const service = serviceOfBrokerUser(username);
  return {
    options,
    log: options.logger.child({ component: 'bus' }),
    username,
    topology: service && options.topology ? topologyFor(service) : options.topology,
    model: null,
    publishChannel: null,
    waiters: [],
    renewing: false,
    renewedAt: 0,
    drained: null,
    consumers: [],
    inFlight: new Set(),
    consuming: true,
    closing: false,
    blocked: false,
    connects: 0,
    reconnectListeners: [],
    disconnectListeners: [],
  };
}

import { exchanges, serviceOfBrokerUser, type Topology, topologyFor } from '@trading/contracts';
import { type Logger, UnreachableError } from '@trading/platform';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { once } from 'node:events';
import { assertTopology } from './assertTopology.ts';
import { brokerLocation, usernameOf } from './brokerUrl.ts';
import { type Delivery, type Handler, type OutgoingMessage, PoisonMessageError, TransientError } from './types.ts';

export type BusOptions = {
  url: string;
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

type Consumer = {
  handler: Handler;
  queue?: string;
  /** For a private reply queue: the server names it, it lives as long as the connection. */
  bindings?: readonly { exchange: string; routingKey: string }[];
  /** Messages in hand at once on this consumer; default the bus's `prefetch`. */
  prefetch?: number;
  channel?: Channel;
  tag?: string;
};

export type Bus = RabbitBus;

/** Connects to RabbitMQ with automatic recovery: channels, topology and consumers are re-created after every reconnect. */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const bus = new RabbitBus(options);
  await bus.start();
  return bus;
}

class RabbitBus {
  private connection?: amqp.RecoveringChannelModel;
  private model: ChannelModel | null = null;
  private publishChannel: ConfirmChannel | null = null;
  private waiters: Array<(channel: ConfirmChannel) => void> = [];
  private drained: Promise<unknown> | null = null;
  private readonly consumers: Consumer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private consuming = true;
  private closing = false;
  private isBlocked = false;
  private connects = 0;
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly log: Logger;
  /** The connection's user: the broker refuses a message whose AMQP user-id is anybody else. */
  private readonly username: string;
  private readonly topology: Topology | undefined;

  constructor(private readonly options: BusOptions) {
    this.log = options.logger.child({ component: 'bus' });
    this.username = usernameOf(options.url);
    const service = serviceOfBrokerUser(this.username);
    this.topology = service && options.topology ? topologyFor(service) : options.topology;
  }

  get connected(): boolean {
    return this.publishChannel !== null;
  }

  /** True while the broker blocks publishers (a memory or disk alarm). */
  get blocked(): boolean {
    return this.isBlocked;
  }

  async start(): Promise<void> {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    try {
      this.connection = await amqp.connect(url.toString(), {
        // Nagle's algorithm would hold a small write back until the broker's delayed ACK (up to 40 ms): a
        // reply or an ack waiting behind one. Writes are coalesced per pass instead (the amqplib patch).
        noDelay: true,
        recovery: {
          initialDelay: 100,
          maxDelay: 5000,
          maxRetries: Infinity,
          initialMaxRetries: this.options.startAttempts ?? 3,
          setup: (model: ChannelModel) => this.setup(model),
        },
      });
    } catch (err) {
      const where = brokerLocation(this.options.url);
      const { message } = err as Error;
      throw new UnreachableError(
        /ACCESS_REFUSED|NOT_FOUND|NOT_ALLOWED/.test(message)
          ? `RabbitMQ at ${where} refused ${this.username} (${message}); provision the broker first (npm start does, see SECURITY.md) or fix AMQP_URL`
          : `cannot reach RabbitMQ at ${where} (${message}); start it (rabbitmq-server -detached) or set AMQP_URL`,
      );
    }
    this.connection.on('disconnect', (err: Error) => {
      this.model = null;
      this.publishChannel = null;
      this.log.warn({ err: err.message }, 'broker connection lost; reconnecting');
    });
    this.log.info('broker connected');
    this.connection.on('connect', () => this.log.info('broker reconnected'));
    this.connection.on('blocked', (reason: string) => {
      this.isBlocked = true;
      this.log.warn({ reason }, 'broker blocked publishing');
    });
    this.connection.on('unblocked', () => {
      this.isBlocked = false;
      this.log.info('broker unblocked publishing');
    });
    this.connection.on('error', (err: Error) => this.log.warn({ err: err.message }, 'broker connection error'));
  }

  /** Runs after every successful (re)connect, before the connection is handed out. */
  private async setup(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    if (this.topology) await assertTopology(channel, this.topology);
    // A channel closed by the broker while the connection stays up would leave us half-connected:
    // close the connection instead, so recovery rebuilds everything.
    channel.on('close', () => this.recoverFrom(model, channel === this.publishChannel));
    channel.on('error', (err: Error) => this.log.warn({ err: err.message }, 'publish channel error'));
    for (const consumer of this.consumers) await this.startConsumer(model, consumer);
    this.isBlocked = false;
    this.model = model;
    this.publishChannel = channel;
    for (const resolve of this.waiters.splice(0)) resolve(channel);
    if (this.connects++ > 0) for (const listener of this.reconnectListeners) listener();
  }

  /**
   * Called after every reconnect, once channels, topology and consumers are back: what was published to a private
   * queue while the connection was down is lost, and a listener can catch up (a gateway re-checks its sockets' keys).
   */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  private recoverFrom(model: ChannelModel, current: boolean): void {
    if (this.closing || !current) return;
    this.model = null;
    this.publishChannel = null;
    model.close().catch(() => undefined);
  }

  /** Publishes and resolves once the broker has confirmed the message (persisted on a quorum queue). */
  async publish(message: OutgoingMessage): Promise<void> {
    const channel = await this.channel();
    if (this.drained) await this.drained;
    const content = Buffer.from(JSON.stringify(message.body));
    await new Promise<void>((resolve, reject) => {
      const accepted = channel.publish(
        message.exchange,
        message.routingKey,
        content,
        {
          persistent: true,
          contentType: 'application/json',
          messageId: message.messageId,
          type: message.type,
          correlationId: message.correlationId,
          replyTo: message.replyTo,
          headers: message.headers,
          ...(message.expirationMs === undefined ? {} : { expiration: String(message.expirationMs) }),
          appId: this.options.service,
          userId: this.username,
          timestamp: Math.floor(Date.now() / 1000),
        },
        (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
      if (!accepted && !this.drained) {
        this.drained = once(channel, 'drain').finally(() => {
          this.drained = null;
        });
      }
    });
  }

  private channel(): Promise<ConfirmChannel> {
    if (this.publishChannel) return Promise.resolve(this.publishChannel);
    const timeoutMs = this.options.publishTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no broker connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (channel: ConfirmChannel) => {
        clearTimeout(timer);
        resolve(channel);
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Consumes a durable queue of the topology; each message is acked only after `handler` resolves. `prefetch` bounds
   * the messages in hand at once on this queue (default the bus's), e.g. to run few queries side by side.
   */
  async consume(queue: string, handler: Handler, options: { prefetch?: number } = {}): Promise<void> {
    await this.addConsumer({ queue, handler, ...options });
  }

  /** How many messages wait in a queue, by a passive declare on a channel of its own (no permission needed). */
  async queueDepth(queue: string): Promise<number> {
    if (!this.model) throw new TransientError('the broker is not connected');
    const channel = await this.model.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Consumes a private, server-named queue bound with `bindings` (a gateway's replies). */
  async consumePrivate(bindings: readonly { exchange: string; routingKey: string }[], handler: Handler): Promise<void> {
    await this.addConsumer({ bindings, handler });
  }

  private async addConsumer(consumer: Consumer): Promise<void> {
    this.consumers.push(consumer);
    // setup() starts every registered consumer after each reconnect; start this one on the live connection now.
    if (this.model) await this.startConsumer(this.model, consumer);
  }

  private async startConsumer(model: ChannelModel, consumer: Consumer): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.log.warn({ err: err.message, queue: consumer.queue }, 'consumer channel error'));
    channel.on('close', () => {
      if (!this.closing && this.consuming && this.model === model) this.recoverFrom(model, true);
    });
    await channel.prefetch(consumer.prefetch ?? this.options.prefetch);
    let queue = consumer.queue;
    if (consumer.bindings) {
      queue = (await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })).queue;
      for (const b of consumer.bindings) await channel.bindQueue(queue, b.exchange, b.routingKey);
    }
    if (!queue) throw new Error('consumer without queue');
    const { consumerTag } = await channel.consume(
      queue,
      (msg) => {
        if (msg === null) {
          this.log.warn({ queue }, 'consumer cancelled by the broker; reconnecting');
          model.close().catch(() => undefined);
          return;
        }
        const work = this.handle(channel, queue, consumer.handler, msg);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
      { noAck: false },
    );
    consumer.channel = channel;
    consumer.tag = consumerTag;
  }

  private async handle(channel: Channel, queue: string, handler: Handler, msg: ConsumeMessage): Promise<void> {
    const headers = msg.properties.headers ?? {};
    let delivery: Delivery;
    try {
      delivery = {
        body: JSON.parse(msg.content.toString('utf8')),
        messageId: msg.properties.messageId,
        type: msg.properties.type,
        correlationId: msg.properties.correlationId,
        replyTo: msg.properties.replyTo,
        userId: msg.properties.userId,
        headers,
        exchange: msg.fields.exchange,
        routingKey: msg.fields.routingKey,
        redelivered: msg.fields.redelivered,
        deliveryCount: Number(headers['x-delivery-count'] ?? 0),
      };
    } catch {
      await this.deadLetter(channel, queue, msg, new PoisonMessageError('body is not valid JSON'));
      return;
    }
    for (let transientFailures = 0; ; transientFailures += 1) {
      try {
        await handler(delivery);
        settle(() => channel.ack(msg));
        return;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof TransientError && this.consuming) {
          // The message is fine and stays in hand; wait for the infrastructure to come back, then run it again.
          const delayMs = Math.min(5000, 100 * 2 ** transientFailures);
          this.log.warn({ err: error.message, queue, messageId: delivery.messageId, delayMs }, 'transient failure; retrying');
          await new Promise((r) => setTimeout(r, delayMs));
          continue;
        }
        await this.fail(channel, queue, msg, delivery, error);
        return;
      }
    }
  }

  /** A handler failure: retried through the queue, or dead-lettered with its reason once the attempts are spent. */
  private async fail(channel: Channel, queue: string, msg: ConsumeMessage, delivery: Delivery, error: Error): Promise<void> {
    const attempts = delivery.deliveryCount + 1;
    const maxAttempts = this.options.maxAttempts ?? 3;
    if (error instanceof TransientError) {
      // Shutting down in the middle of an outage: the message goes back to its queue for another instance.
      settle(() => channel.nack(msg, false, true));
    } else if (error instanceof PoisonMessageError || attempts >= maxAttempts) {
      await this.deadLetter(channel, queue, msg, error);
    } else {
      this.log.warn({ err: error.message, queue, messageId: delivery.messageId, attempts }, 'handler failed; will retry');
      await new Promise((r) => setTimeout(r, 50 * attempts));
      settle(() => channel.nack(msg, false, true));
    }
  }

  /** Sends the message to the dead-letter exchange with the reason, then acks it. Left unacked if that fails. */
  private async deadLetter(channel: Channel, queue: string, msg: ConsumeMessage, error: Error): Promise<void> {
    this.log.error({ err: error.message, queue, messageId: msg.properties.messageId }, 'dead-lettering message');
    try {
      await this.publishRaw(msg, queue, error);
      settle(() => channel.ack(msg));
    } catch (publishError) {
      this.log.warn({ err: (publishError as Error).message }, 'could not dead-letter; leaving the message unacked');
    }
  }

  /** Republishes as this connection's user (the broker refuses anyone else's user-id), keeping the publisher's. */
  private async publishRaw(msg: ConsumeMessage, queue: string, error: Error): Promise<void> {
    const channel = await this.channel();
    const { userId } = msg.properties;
    const headers = {
      ...(msg.properties.headers ?? {}),
      ...(userId ? { 'x-original-user-id': userId } : {}),
      'x-error': error.message.slice(0, 1000),
      'x-error-name': error.name,
      'x-failed-queue': queue,
      'x-failed-service': this.options.service,
      'x-failed-at': new Date().toISOString(),
    };
    await new Promise<void>((resolve, reject) =>
      channel.publish(exchanges.deadLetter, msg.fields.routingKey, msg.content, { ...msg.properties, headers, userId: this.username, persistent: true }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  /** Stops taking new messages and waits until every message in hand is settled (acked or requeued). */
  async stopConsuming(): Promise<void> {
    this.consuming = false;
    for (const consumer of this.consumers) {
      if (consumer.channel && consumer.tag) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    if (this.consuming) await this.stopConsuming();
    this.closing = true;
    this.model = null;
    this.publishChannel = null;
    await this.connection?.close();
  }
}

/** Acking on a channel that died with its connection throws; the broker redelivers such messages anyway. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // channel closed: the message returns to its queue and its handler is idempotent
  }
}

import { randomUUID } from 'node:crypto';
import { type BrokerUrls, type Bus, connectBus } from '@trading/bus';
import {
  apiKeyHash,
  type Delivery,
  exchanges,
  gatewayReplyKey,
  newApiKey,
  type Reply,
  requestRoutes,
  type RoutedRequestType,
  topology,
} from '@trading/contracts';
import type { Logger } from '@trading/platform';

export type RawRequest = Record<string, unknown> & { id: string; type: RoutedRequestType };

/**
 * Talks to the services straight over AMQP, as a gateway does but without its checks: to publish the same
 * message twice, or one no gateway would let through. Client requests go out as the gateway's broker user, stamped
 * as the operator; anything else, and what it reads (the replies addressed to it, the dead-letter queue), goes
 * through the broker's admin.
 */
export class RawClient {
  readonly replyTo = gatewayReplyKey(`faults-${randomUUID()}`);
  private readonly replies = new Map<string, Reply[]>();
  readonly deadLetters: Delivery[] = [];

  private constructor(
    private readonly bus: Bus,
    private readonly gateway: Bus,
  ) {}

  /** `amqpUrl`: the broker's admin; `gatewayAmqpUrl`: the same vhost as the gateway's broker user (each a cluster's nodes, or one). */
  static async connect(amqpUrl: BrokerUrls, gatewayAmqpUrl: BrokerUrls, logger: Logger): Promise<RawClient> {
    const as = (url: BrokerUrls) => connectBus({ url, logger, service: 'faults', topology, prefetch: 50 });
    const client = new RawClient(await as(amqpUrl), await as(gatewayAmqpUrl));
    const bindings = [exchanges.apiResponse, exchanges.paymentResponse].map((exchange) => ({ exchange, routingKey: client.replyTo }));
    await client.bus.consumePrivate(bindings, async (delivery) => {
      const id = delivery.correlationId ?? '';
      client.replies.set(id, [...(client.replies.get(id) ?? []), delivery.body as Reply]);
    });
    return client;
  }

  /**
   * Collects into `deadLetters` every message dead-lettered in this vhost from now on, on a private queue bound to the
   * `dead-letter` exchange: the `dead-letter` queue itself is Reporting's, which keeps them for the operator.
   */
  async watchDeadLetters(): Promise<void> {
    await this.bus.consumePrivate([{ exchange: exchanges.deadLetter, routingKey: '' }], async (delivery) => {
      this.deadLetters.push(delivery);
    });
  }

  /** Publishes a client request `copies` times as one and the same AMQP message (same messageId, body, correlationId). */
  async publishRequest(body: RawRequest, copies = 1, correlationId = randomUUID()): Promise<string> {
    const route = requestRoutes[body.type];
    const messageId = randomUUID();
    // What a gateway sends for the new key of an ADD_USER or ROTATE_API_KEY: the hash of a key nobody holds.
    const newKey = body.type === 'ADD_USER' || body.type === 'ROTATE_API_KEY' ? apiKeyHash(newApiKey()) : undefined;
    for (let i = 0; i < copies; i += 1) {
      await this.gateway.publish({
        exchange: route.exchange,
        routingKey: route.routingKey,
        messageId,
        type: body.type,
        body,
        correlationId,
        replyTo: this.replyTo,
        headers: { 'x-principal': 'admin', 'x-request-id': body.id, ...(newKey ? { 'x-api-key-sha256': newKey } : {}) },
      });
    }
    return correlationId;
  }

  /** Publishes any message to any exchange (a poison message, a command no saga sent). */
  async publish(exchange: string, routingKey: string, type: string, body: unknown): Promise<string> {
    const messageId = randomUUID();
    await this.bus.publish({ exchange, routingKey, messageId, type, body });
    return messageId;
  }

  repliesTo(correlationId: string): Reply[] {
    return this.replies.get(correlationId) ?? [];
  }

  /** Resolves with the replies to `correlationId` once there are `count` of them. */
  async whenReplies(correlationId: string, count: number, timeoutMs = 30_000): Promise<Reply[]> {
    const until = Date.now() + timeoutMs;
    while (this.repliesTo(correlationId).length < count) {
      if (Date.now() > until) throw new Error(`${this.repliesTo(correlationId).length} of ${count} replies to ${correlationId} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.repliesTo(correlationId);
  }

  /**
   * The messages ready in a queue, read from the queue itself (a passive declare): exact at once, where the broker's
   * statistics (`rabbitmqctl list_queues`) of a quorum queue lag by its tick. Messages a consumer holds unacked are not
   * counted until they go back to the queue.
   */
  queueDepth(queue: string): Promise<number> {
    return this.bus.queueDepth(queue);
  }

  async close(): Promise<void> {
    await Promise.all([this.bus.close(), this.gateway.close()]);
  }
}

import { randomUUID } from 'node:crypto';
import { type Bus, connectBus } from '@trading/bus';
import { exchanges, gatewayReplyKey, type OutgoingMessage, type Reply, requestRoutes, type RoutedRequestType, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { serviceAmqpUrl, testEnv } from '@trading/testkit';

/**
 * Publishes client requests to Trade exactly as the gateway does (as its broker user, stamped as the operator), and
 * collects the replies, so a test can send one AMQP message twice.
 */
export class TradeProbe {
  readonly replies: Reply[] = [];
  private readonly replyTo = gatewayReplyKey(`probe-${randomUUID()}`);

  private constructor(private readonly bus: Bus) {}

  static async connect(): Promise<TradeProbe> {
    const bus = await connectBus({
      url: serviceAmqpUrl(testEnv(), 'gateway'),
      logger: createLogger('trade-probe', 'silent'),
      service: 'trade-probe',
      topology,
      prefetch: 100,
    });
    const probe = new TradeProbe(bus);
    await bus.consumePrivate(
      [{ exchange: exchanges.apiResponse, routingKey: probe.replyTo }],
      async (delivery) => {
        probe.replies.push(delivery.body as Reply);
      },
      { name: probe.replyTo },
    );
    return probe;
  }

  /** The AMQP message the gateway would publish for `body`. */
  message(body: Record<string, unknown> & { id: string; type: RoutedRequestType }): OutgoingMessage {
    const route = requestRoutes[body.type];
    return {
      exchange: route.exchange,
      routingKey: route.routingKey,
      messageId: randomUUID(),
      type: body.type,
      body,
      correlationId: randomUUID(),
      replyTo: this.replyTo,
      headers: { 'x-principal': 'admin', 'x-request-id': body.id },
    };
  }

  publish(message: OutgoingMessage): Promise<void> {
    return this.bus.publish(message);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

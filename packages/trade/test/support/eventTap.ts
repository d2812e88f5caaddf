import { type Bus, connectBus } from '@trading/bus';
import { brokerUsers, type Delivery, domainEvent, eventRoutingKeys, exchanges, producerOf, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv } from '@trading/testkit';

/** The exchanges that carry messages between the gateway and the services, and between the services. */
const watched = [exchanges.api, exchanges.payment, exchanges.apiResponse, exchanges.paymentResponse, exchanges.domainEvents];
const services: readonly string[] = [brokerUsers.trade, brokerUsers.payment];

/**
 * Watches, as the broker's admin, every message on the exchanges between the gateway and the services and between
 * the services, so a test can read a saga's story as the events each service announced, and check that no message a
 * service sent another one is a command.
 */
export class EventTap {
  readonly messages: Delivery[] = [];

  private constructor(private readonly bus: Bus) {}

  static async connect(): Promise<EventTap> {
    const bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('event-tap', 'silent'), service: 'event-tap', topology, prefetch: 500 });
    const tap = new EventTap(bus);
    await bus.consumePrivate(
      watched.map((exchange) => ({ exchange, routingKey: '#' })),
      async (delivery) => {
        tap.messages.push(delivery);
      },
    );
    return tap;
  }

  /**
   * One user's sagas as the services told them on `domain-events`, in order: "<producer> <event>" (a failed saga's
   * outcome after a colon), e.g. ['trade OrderAccepted', 'payment FundsReserved', 'trade TradeRecorded', …].
   */
  storyOf(userId: string): string[] {
    return this.messages
      .filter((d) => d.exchange === exchanges.domainEvents)
      .map((d) => d.body as { type: string; user_id?: string; saga_id?: string; outcome?: string })
      .filter((event) => event.user_id === userId && event.saga_id !== undefined)
      .map((event) => `${producerOf(event.type as keyof typeof eventRoutingKeys)} ${event.type}${event.outcome ? `:${event.outcome}` : ''}`);
  }

  /**
   * The messages Trade and Payment sent that are neither a reply to a client's request nor a domain event, named in
   * the past tense, on `domain-events` under its own routing key and published by its producer: what would make one
   * service tell another what to do.
   */
  commandsBetweenServices(): string[] {
    const isReply = (d: Delivery) => d.type === 'Reply' && d.routingKey.startsWith('gateway.') && d.exchange !== exchanges.domainEvents;
    const isEvent = (d: Delivery) => {
      const parsed = domainEvent.safeParse(d.body);
      return (
        d.exchange === exchanges.domainEvents &&
        parsed.success &&
        d.routingKey === eventRoutingKeys[parsed.data.type] &&
        d.userId === brokerUsers[producerOf(parsed.data.type)]
      );
    };
    return this.messages
      .filter((d) => services.includes(d.userId ?? '') && !isReply(d) && !isEvent(d))
      .map((d) => `${d.userId} ${d.type} on ${d.exchange} (${d.routingKey})`);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

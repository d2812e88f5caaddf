import { type Bus, connectBus, readEventBatch } from '@trading/bus';
import { exchanges, type TradeEvent, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv } from '@trading/testkit';

/** Listens to every trade event on the `events` fanout, as Reporting sees them. */
export class EventTap {
  readonly events: TradeEvent[] = [];

  private constructor(private readonly bus: Bus) {}

  static async connect(): Promise<EventTap> {
    const bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('event-tap', 'silent'), service: 'event-tap', topology, prefetch: 100 });
    const tap = new EventTap(bus);
    await bus.consumePrivate([{ exchange: exchanges.events, routingKey: '' }], async (delivery) => {
      for (const { routing_key, event } of readEventBatch(delivery)) if (routing_key.startsWith('trade.')) tap.events.push(event as TradeEvent);
    });
    return tap;
  }

  /** The event types of one user's sagas, in the order they were published. */
  typesFor(userId: string): string[] {
    return this.events.filter((e) => e.user_id === userId).map((e) => (e.type === 'SagaFailed' ? `SagaFailed:${e.outcome}` : e.type));
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

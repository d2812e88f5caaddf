import { type Bus, connectBus } from '@trading/bus';
import { exchanges, type TradeEvent, topology } from '@trading/contracts';
import { createLogger } from '@trading/platform';
import { testEnv } from '@trading/testkit';

/** Listens to every trade event on `api-response` (routing key trade.#), as Reporting would see them. */
export class EventTap {
  readonly events: TradeEvent[] = [];

  private constructor(private readonly bus: Bus) {}

  static async connect(): Promise<EventTap> {
    const bus = await connectBus({ url: testEnv().amqpUrl, logger: createLogger('event-tap', 'silent'), service: 'event-tap', topology, prefetch: 100 });
    const tap = new EventTap(bus);
    await bus.consumePrivate([{ exchange: exchanges.apiResponse, routingKey: 'trade.#' }], async (delivery) => {
      tap.events.push(delivery.body as TradeEvent);
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

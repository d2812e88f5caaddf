import type { ServiceName } from './brokerUsers.ts';
import { type DomainEvent, eventRoutingKeys } from './messages.ts';

type EventType = DomainEvent['type'];

/**
 * The choreography of the trade saga, as data: the domain events each service reacts to. A service's queue is bound
 * on `domain-events` to exactly these (topology.ts); README's saga diagram draws them.
 *
 * - Payment reacts to Trade's: a BUY's OrderAccepted reserves its funds; TradeRecorded captures a BUY's (the user
 *   pays notional + fee) or credits a SELL's (the user receives notional − fee); OrderCancelled and OrderExpired give
 *   a BUY's reservation back.
 * - Trade reacts to Payment's: FundsReserved executes a BUY at the market (TradeRecorded, or OrderCancelled);
 *   FundsRejected and CreditRejected end a saga REJECTED; FundsCaptured and FundsCredited complete it; FundsReleased
 *   ends a cancelled BUY COMPENSATED.
 */
export const reactions = {
  payment: ['OrderAccepted', 'TradeRecorded', 'OrderCancelled', 'OrderExpired'],
  trade: ['FundsReserved', 'FundsRejected', 'FundsCaptured', 'FundsReleased', 'FundsCredited', 'CreditRejected'],
} as const satisfies Partial<Record<ServiceName, readonly EventType[]>>;

export type PaymentReaction = (typeof reactions.payment)[number];
export type TradeReaction = (typeof reactions.trade)[number];

/** Who publishes each event: the first word of its routing key (producer.entity.event). */
export const producerOf = (type: EventType): ServiceName => eventRoutingKeys[type].split('.')[0] as ServiceName;

/** Whether `type` is one of the events `service` reacts to. */
export function reactsTo(service: keyof typeof reactions, type: string): boolean {
  return (reactions[service] as readonly string[]).includes(type);
}

import { z } from 'zod';
import { type DomainEvent, eventRoutingKeys } from './messages.ts';

/*
 * The messages of schema version 1 (versions.ts) that version 2 no longer writes but still reads, so that an
 * upgrade finishes the sagas the old version started. Delete this file with version 1's support: when version 3
 * ships, nothing of version 1 is left in flight.
 */
const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const uuid = z.uuid();

/** Version 1's saga commands, from Trade to Payment on the `payment` exchange. Payment turns each into its own step. */
export const reserveFundsV1 = z.object({ type: z.literal('ReserveFunds'), saga_id: uuid, user_id: uuid, amount: decimal });
export const captureFundsV1 = z.object({
  type: z.literal('CaptureFunds'),
  saga_id: uuid,
  user_id: uuid,
  symbol: z.string(),
  quantity: decimal,
  notional: decimal,
  fee: decimal,
});
export const releaseFundsV1 = z.object({ type: z.literal('ReleaseFunds'), saga_id: uuid, user_id: uuid, reason: z.string() });
export const creditFundsV1 = z.object({
  type: z.literal('CreditFunds'),
  saga_id: uuid,
  user_id: uuid,
  amount: decimal,
  fee: decimal,
  symbol: z.string(),
  quantity: decimal,
});
export const sagaCommandV1 = z.discriminatedUnion('type', [reserveFundsV1, captureFundsV1, releaseFundsV1, creditFundsV1]);
export type SagaCommandV1 = z.infer<typeof sagaCommandV1>;

/** Version 1's routing keys of the saga commands on `payment`: Trade may still publish them from an old outbox row. */
export const sagaCommandKeysV1: Record<SagaCommandV1['type'], string> = {
  ReserveFunds: 'payment.reserve_funds',
  CaptureFunds: 'payment.capture_funds',
  ReleaseFunds: 'payment.release_funds',
  CreditFunds: 'payment.credit_funds',
};

/**
 * The domain events version 2 renamed, by their version 1 name: SagaStarted is OrderAccepted (without a `reserve`,
 * which it did not carry); every other event kept its name and fields. What reads an event a version 1 producer
 * wrote, from a batch or from a store, names it anew with these (rows are never rewritten).
 */
export const renamedEventTypes: Readonly<Record<string, DomainEvent['type']>> = { SagaStarted: 'OrderAccepted' };
const renamedRoutingKeys: Readonly<Record<string, string>> = { 'trade.saga.started': eventRoutingKeys.OrderAccepted };

/** A version 1 domain event as version 2 names it; any other value as it is. */
export function upcastEvent(event: unknown): unknown {
  const type = (event as { type?: unknown } | null)?.type;
  const renamed = typeof type === 'string' && Object.hasOwn(renamedEventTypes, type) ? renamedEventTypes[type] : undefined;
  return renamed ? { ...(event as object), type: renamed } : event;
}

/** A version 1 routing key as version 2 names its event's. */
export const upcastRoutingKey = (key: string): string => renamedRoutingKeys[key] ?? key;

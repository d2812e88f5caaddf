import { z } from 'zod';

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
 * A version 1 domain event as version 2 names it: SagaStarted is OrderAccepted (without a `reserve`, which it did
 * not carry); every other event kept its name and fields. Applied to an event read from a batch or from the event
 * store, whichever version wrote it: version 2 never writes a SagaStarted.
 */
export function upcastEvent(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || (event as { type?: unknown }).type !== 'SagaStarted') return event;
  return { ...event, type: 'OrderAccepted' };
}

/** The routing key version 1 gave SagaStarted, and version 2 OrderAccepted's. */
export const upcastRoutingKey = (key: string): string => (key === 'trade.saga.started' ? 'trade.order.accepted' : key);

/*
 * Every message between services carries the schema version it was written in, as the AMQP header
 * `x-schema-version` (stamped by the bus when it publishes, and kept in the outbox row of a message published
 * later). A consumer reads the current version and the one before it (the bus dead-letters anything else), so a
 * stack can be upgraded one service at a time, and with messages of the old version still in its queues and outboxes.
 *
 * Version 1: the saga orchestrated by commands (Trade sent ReserveFunds, CaptureFunds, ReleaseFunds, CreditFunds
 * to Payment, which answered on `payment-response`); its messages carried no version header.
 * Version 2: the saga choreographed by domain events on `domain-events` (reactions.ts). SagaStarted became
 * OrderAccepted; the commands became the events Payment reacts to (legacy.ts reads them).
 */
export const SCHEMA_VERSION = 2;
export const SCHEMA_VERSION_HEADER = 'x-schema-version';
/** A message without the header was written before messages carried one. */
const UNVERSIONED = 1;

/** The schema version a message was written in, from its AMQP headers. */
export function schemaVersionOf(headers: Record<string, unknown> | null | undefined): number {
  const value = headers?.[SCHEMA_VERSION_HEADER];
  return value === undefined ? UNVERSIONED : Number(value);
}

/** Whether this code reads a message of `version`: the current one and the one before it. */
export function readsSchemaVersion(version: number): boolean {
  return version === SCHEMA_VERSION || version === SCHEMA_VERSION - 1;
}

/** The headers a message is written with: its own, and the current schema version unless it already names one. */
export function withSchemaVersion(headers: Record<string, string | number> | undefined): Record<string, string | number> {
  return { [SCHEMA_VERSION_HEADER]: SCHEMA_VERSION, ...headers };
}

/*
 * A dead letter: a message a consumer gave up on, republished by the bus to the `dead-letter` exchange with these
 * headers (deadLetter.ts in @trading/bus), or dead-lettered by the broker itself after a quorum queue's delivery limit
 * (then with RabbitMQ's `x-death` header). Reporting keeps each in reporting.dead_letter; `pnpm dlq` handles them.
 */
export const deadLetterHeaders = {
  error: 'x-error',
  errorName: 'x-error-name',
  failedQueue: 'x-failed-queue',
  failedService: 'x-failed-service',
  failedAt: 'x-failed-at',
  /** The publisher's AMQP user-id (the bus republishes as its own user). */
  originalUserId: 'x-original-user-id',
  /** The exchange the message was first published to (the republished one's is `dead-letter`). */
  originalExchange: 'x-original-exchange',
} as const;

/**
 * The headers a failure adds, which a replay removes so the message starts its attempts afresh: the bus's own, the
 * broker's dead-lettering and delivery count. Every other header (schema version, trace context, …) is kept.
 */
export const failureHeaders: readonly string[] = [
  ...Object.values(deadLetterHeaders),
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
];

export type DeadLetterState = 'waiting' | 'replayed' | 'dropped';

/** What one dead-lettering tells about its message, as the store keeps it. */
export type DeadLetterFacts = {
  /** The AMQP message id, or `sha256:<hex of the body>` for a message without one. */
  messageId: string;
  failedQueue: string;
  /** The consumer that gave up, or `broker` when the queue's delivery limit dead-lettered it. */
  failedService: string;
  error: string;
  errorName: string;
  /** Tells this failure from a redelivery of the same dead letter: a new key is one more attempt. */
  failureKey: string;
  failedAt: Date;
  /** Where the message was first published: a replay goes there again. */
  exchange: string;
  routingKey: string;
  /** The publisher's broker user (AMQP user-id), if it had one. */
  publisher: string | undefined;
  publishedAt: Date | undefined;
  type: string | undefined;
  /** The AMQP properties as received, headers included. */
  properties: Record<string, unknown>;
  /** The body as text (UTF-8). */
  body: string;
};

/** A message to publish: persistent, JSON, confirmed by the broker before `publish` resolves. */
export type OutgoingMessage = {
  exchange: string;
  routingKey: string;
  /** Unique per logical message; consumers deduplicate on it. */
  messageId: string;
  /** The body's `type` (request type, command or event name). */
  type: string;
  body: unknown;
  /** Carries the request through every service: the gateway's request correlation id, or the saga id. */
  correlationId?: string;
  /** Routing key on the response exchange where the reply is expected (gateway.<instance>). */
  replyTo?: string;
  headers?: Record<string, string | number>;
  /** A TTL: the broker drops the message if it is still queued after this long (a query whose client gave up). */
  expirationMs?: number;
};

export type Delivery = {
  body: unknown;
  messageId: string | undefined;
  type: string | undefined;
  correlationId: string | undefined;
  replyTo: string | undefined;
  /** The publisher's broker user (brokerUsers), as the broker checked it; undefined if it was not set. */
  userId: string | undefined;
  headers: Record<string, unknown>;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  /** How many times the broker delivered this message before (quorum queues count it). */
  deliveryCount: number;
};

/** Resolving acks the message; throwing retries it, then dead-letters it with the error as reason. */
export type Handler = (delivery: Delivery) => Promise<void>;

/** Throw this from a handler for a message that can never succeed: it is dead-lettered at once. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * Throw this (with the original error as `cause`) for a failure of the infrastructure rather than of the message,
 * such as a lost database connection: the bus keeps the message and runs the handler again with backoff, for as
 * long as it takes, instead of counting the failure towards dead-lettering.
 */
export class TransientError extends Error {
  override name = 'TransientError';
}

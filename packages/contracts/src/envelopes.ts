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

/** A message as a consumer receives it. */
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
  /** The schema version the message was written in (versions.ts): the current one, or the one before. */
  schemaVersion: number;
  /** The message as received: its body's bytes and its AMQP properties (the dead-letter store keeps them to replay it). */
  raw?: { content: Buffer; properties: Record<string, unknown> };
};

/** What sends a message and resolves once the broker has confirmed it: the bus, to whoever only publishes. */
export type Publisher = { publish(message: OutgoingMessage): Promise<void> };

import { createHash } from 'node:crypto';
import { type DeadLetterFacts, type Delivery, deadLetterHeaders as h } from '@trading/contracts';

type XDeath = { queue?: unknown; reason?: unknown; count?: unknown; exchange?: unknown; 'routing-keys'?: unknown; time?: unknown };

/**
 * What a message on the dead-letter queue tells about its failure: from the bus's headers (deadLetter.ts), else from
 * the broker's newest `x-death` entry (a quorum queue's delivery limit), else as a message someone published straight
 * to `dead-letter`. `now` dates a failure that carries no time of its own.
 */
export function readDeadLetter(delivery: Delivery, now: Date): DeadLetterFacts {
  const properties = delivery.raw?.properties ?? {};
  const content = delivery.raw?.content ?? Buffer.from(JSON.stringify(delivery.body ?? null));
  const headers = delivery.headers;
  const text = (name: string): string | undefined => (headers[name] === undefined ? undefined : String(headers[name]));
  const common = {
    messageId: delivery.messageId ?? `sha256:${createHash('sha256').update(content).digest('hex')}`,
    type: delivery.type,
    publishedAt: typeof properties.timestamp === 'number' ? new Date(properties.timestamp * 1000) : undefined,
    properties: jsonSafe(properties),
    body: content.toString('utf8'),
  };
  const failedQueue = text(h.failedQueue);
  if (failedQueue !== undefined) {
    const failedAt = dateOr(text(h.failedAt), now);
    const exchange = text(h.originalExchange);
    return {
      ...common,
      failedQueue,
      failedService: text(h.failedService) ?? 'unknown',
      error: text(h.error) ?? '',
      errorName: text(h.errorName) ?? 'Error',
      failureKey: `bus:${failedAt.toISOString()}`,
      failedAt,
      // Dead-lettered before the bus kept the exchange: straight to the queue, through the default exchange.
      exchange: exchange ?? '',
      routingKey: exchange === undefined ? failedQueue : delivery.routingKey,
      publisher: text(h.originalUserId),
    };
  }
  const death = Array.isArray(headers['x-death']) ? (headers['x-death'][0] as XDeath | undefined) : undefined;
  if (death) {
    const failedAt = typeof death.time === 'number' ? new Date(death.time * 1000) : now;
    const reason = String(death.reason ?? 'unknown');
    const routingKeys = Array.isArray(death['routing-keys']) ? death['routing-keys'] : [];
    return {
      ...common,
      failedQueue: String(death.queue ?? 'unknown'),
      failedService: 'broker',
      error: `dead-lettered by the broker (${reason}) after ${String(death.count ?? 1)} dead-lettering(s) from this queue`,
      errorName: reason,
      failureKey: `x-death:${String(death.count ?? 1)}:${failedAt.toISOString()}`,
      failedAt,
      exchange: String(death.exchange ?? ''),
      routingKey: String(routingKeys[0] ?? delivery.routingKey),
      publisher: delivery.userId,
    };
  }
  return {
    ...common,
    failedQueue: 'unknown',
    failedService: 'unknown',
    error: 'published to the dead-letter exchange without a reason',
    errorName: 'unknown',
    failureKey: `unknown:${now.toISOString()}`,
    failedAt: now,
    exchange: delivery.exchange,
    routingKey: delivery.routingKey,
    publisher: delivery.userId,
  };
}

const dateOr = (text: string | undefined, fallback: Date): Date => {
  const time = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(time) ? fallback : new Date(time);
};

/** The properties as JSON keeps them: a Buffer as its text, a Date as its ISO string. */
function jsonSafe(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (isBufferJson(v) ? Buffer.from(v.data).toString('utf8') : v))) as Record<string, unknown>;
}

const isBufferJson = (v: unknown): v is { type: 'Buffer'; data: number[] } =>
  typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);

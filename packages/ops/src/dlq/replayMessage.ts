import type { RawMessage } from '@trading/bus';
import { failureHeaders } from '@trading/contracts';
import type { DeadLetter } from '@trading/db';

/** The AMQP properties a replay carries over as they were. */
const KEPT = ['contentType', 'contentEncoding', 'correlationId', 'replyTo', 'messageId', 'type', 'appId', 'timestamp', 'priority', 'expiration'] as const;

/**
 * The dead letter as it is published again: its body and properties as first published (message id, correlation id,
 * type, every header: the schema version, the trace context, …), without what its failures added (failureHeaders),
 * persistent, to the exchange and routing key it was first published to. `userId`: the AMQP user-id to stamp, which
 * the broker accepts only from that user's own connection.
 */
export function replayMessage(d: DeadLetter, userId: string | undefined): RawMessage {
  const properties = d.properties as Record<string, unknown> & { headers?: Record<string, unknown> };
  const headers = Object.fromEntries(Object.entries(properties.headers ?? {}).filter(([name]) => !failureHeaders.includes(name)));
  const kept = Object.fromEntries(KEPT.filter((key) => properties[key] !== undefined && properties[key] !== null).map((key) => [key, properties[key]]));
  return {
    exchange: d.exchange,
    routingKey: d.routingKey,
    content: Buffer.from(d.body, 'utf8'),
    properties: { ...kept, headers, persistent: true, ...(userId === undefined ? {} : { userId }) },
  };
}

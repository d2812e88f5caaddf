import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from './envelopes.ts';
import { type DomainEvent, type EventBatch, eventRoutingKeys } from './messages.ts';
import { exchanges } from './topology.ts';

/**
 * A domain event on an exchange, routing key producer.entity.event. Its id is its identity. On the `events` fanout
 * the outbox packs it with the other events of its transaction (packEvents); Payment also sends its answers to saga
 * commands to Trade on `payment-response`, with the same id.
 */
export function eventMessage(exchange: string, event: DomainEvent, correlationId?: string, eventId: string = randomUUID()): OutgoingMessage {
  return {
    exchange,
    routingKey: eventRoutingKeys[event.type],
    messageId: eventId,
    type: event.type,
    body: event,
    ...(correlationId ? { correlationId } : {}),
  };
}

/**
 * The messages of one transaction as they are published: the domain events addressed to the `events` fanout are
 * packed, in order, into one EventBatch message; every other message is left as it is.
 */
export function packEvents(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
  const events = messages.filter((m) => m.exchange === exchanges.events);
  if (events.length === 0) return [...messages];
  const batch = eventBatchMessage(
    events.map((m) => ({
      id: m.messageId,
      routing_key: m.routingKey,
      ...(m.correlationId ? { correlation_id: m.correlationId } : {}),
      event: m.body as DomainEvent,
    })),
  );
  return [...messages.filter((m) => m.exchange !== exchanges.events), batch];
}

/** Several EventBatch messages as one, their events in order, under a new message id. */
export function mergeEventBatches(batches: readonly OutgoingMessage[]): OutgoingMessage {
  return eventBatchMessage(batches.flatMap((batch) => (batch.body as EventBatch).events));
}

function eventBatchMessage(events: EventBatch['events']): OutgoingMessage {
  const body: EventBatch = { type: 'EventBatch', events };
  return { exchange: exchanges.events, routingKey: '', messageId: randomUUID(), type: body.type, body };
}

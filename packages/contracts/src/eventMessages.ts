import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from './envelopes.ts';
import { type DomainEvent, type EventBatch, eventRoutingKeys } from './messages.ts';
import { exchanges } from './topology.ts';

/** Marks an event published again (at a saga's deadline) for the services that react to it: Reporting has it already. */
export const REANNOUNCED_HEADER = 'x-reannounced';

/**
 * A domain event on `domain-events`, routing key producer.entity.event, for whoever reacts to it. Its id is its
 * identity. The outbox also packs it with the other events of its transaction into one EventBatch for Reporting
 * (packEvents), unless it is `reannounced`: published again, under a new id, for the services that react to it,
 * which apply each of their steps once per saga whatever the event's id.
 */
export function eventMessage(event: DomainEvent, correlationId?: string, options: { reannounced?: boolean } = {}): OutgoingMessage {
  return {
    exchange: exchanges.domainEvents,
    routingKey: eventRoutingKeys[event.type],
    messageId: randomUUID(),
    type: event.type,
    body: event,
    ...(correlationId ? { correlationId } : {}),
    ...(options.reannounced ? { headers: { [REANNOUNCED_HEADER]: 'true' } } : {}),
  };
}

/**
 * The messages of one transaction as they are published: each domain event on `domain-events` as it is, and all of
 * them again, in order, packed into one EventBatch for the `events` fanout (but re-announced ones), each with the
 * trace context its headers carry; every other message is left as it is.
 */
export function packEvents(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
  const events = messages.filter((m) => m.exchange === exchanges.domainEvents && !m.headers?.[REANNOUNCED_HEADER]);
  if (events.length === 0) return [...messages];
  const batch = eventBatchMessage(
    events.map((m) => ({
      id: m.messageId,
      routing_key: m.routingKey,
      ...(m.correlationId ? { correlation_id: m.correlationId } : {}),
      ...traceContextOf(m),
      event: m.body as DomainEvent,
    })),
  );
  return [...messages, batch];
}

/** The W3C trace context headers of a message (the outbox stamps them), as an EventBatch entry keeps them. */
function traceContextOf(message: OutgoingMessage): { traceparent?: string; tracestate?: string } {
  const { traceparent, tracestate } = message.headers ?? {};
  return {
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    ...(typeof tracestate === 'string' ? { tracestate } : {}),
  };
}

/** Several EventBatch messages as one, their events in order, under a new message id. */
export function mergeEventBatches(batches: readonly OutgoingMessage[]): OutgoingMessage {
  return eventBatchMessage(batches.flatMap((batch) => (batch.body as EventBatch).events));
}

function eventBatchMessage(events: EventBatch['events']): OutgoingMessage {
  const body: EventBatch = { type: 'EventBatch', events };
  return { exchange: exchanges.events, routingKey: '', messageId: randomUUID(), type: body.type, body };
}

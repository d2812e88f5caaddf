import { randomUUID } from 'node:crypto';
import { type Authenticated, type DomainEvent, type EventBatch, eventBatch, eventRoutingKeys, exchanges, type Reply } from '@trading/contracts';
import { type Delivery, type OutgoingMessage, PoisonMessageError } from './types.ts';

/** Where a reply goes: the gateway instance and the correlation id a request came with. */
export type ReplyAddress = Pick<Delivery, 'replyTo' | 'correlationId'>;

/**
 * The reply to a request (or Payment's answer to a gateway's key check), addressed to the gateway instance and
 * correlation id the request came with.
 */
export function replyMessage(request: ReplyAddress, responseExchange: string, reply: Reply | Authenticated): OutgoingMessage[] {
  if (!request.replyTo) return [];
  return [
    {
      exchange: responseExchange,
      routingKey: request.replyTo,
      messageId: randomUUID(),
      type: 'Reply',
      body: reply,
      ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    },
  ];
}

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
    events.map((m) => ({ id: m.messageId, routing_key: m.routingKey, ...(m.correlationId ? { correlation_id: m.correlationId } : {}), event: m.body as DomainEvent })),
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

/** The events of an EventBatch delivered from the `events` fanout, validated; anything else is a poison message. */
export function readEventBatch(delivery: Pick<Delivery, 'body'>): EventBatch['events'] {
  const parsed = eventBatch.safeParse(delivery.body);
  if (parsed.success) return parsed.data.events;
  const issue = parsed.error.issues[0];
  throw new PoisonMessageError(`not an EventBatch: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`);
}

import { randomUUID } from 'node:crypto';
import { type DomainEvent, eventRoutingKeys, type Reply } from '@trading/contracts';
import type { Delivery, OutgoingMessage } from './types.ts';

/** Where a reply goes: the gateway instance and the correlation id a request came with. */
export type ReplyAddress = Pick<Delivery, 'replyTo' | 'correlationId'>;

/** The reply to a request, addressed to the gateway instance and correlation id the request came with. */
export function replyMessage(request: ReplyAddress, responseExchange: string, reply: Reply): OutgoingMessage[] {
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

/** A domain event on its producer's response exchange, routing key producer.entity.event. Its id is its identity. */
export function eventMessage(responseExchange: string, event: DomainEvent, correlationId?: string, eventId: string = randomUUID()): OutgoingMessage {
  return {
    exchange: responseExchange,
    routingKey: eventRoutingKeys[event.type],
    messageId: eventId,
    type: event.type,
    body: event,
    ...(correlationId ? { correlationId } : {}),
  };
}

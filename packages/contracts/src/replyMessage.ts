import { randomUUID } from 'node:crypto';
import type { Delivery, OutgoingMessage } from './envelopes.ts';
import type { Authenticated } from './messages.ts';
import type { Reply } from './replies.ts';

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

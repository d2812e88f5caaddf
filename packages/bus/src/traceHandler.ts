import { extractTraceContext, withSpan } from '@trading/platform';
import type { Handler } from './busState.ts';

/**
 * The handler, each run of it a CONSUMER span `<queue> process` continuing the trace the message's headers carry
 * (its publisher's span), or a trace of its own, with the messaging attributes and the correlation id. A failed run is a failed span; a
 * run again after a transient failure is a span of its own. A private queue (server-named) goes by its service's
 * name, `<service>.private`. With tracing off, the handler as it is.
 */
export function traceHandler(queue: string, handler: Handler): Handler {
  const name = `${queue} process`;
  return (delivery) => {
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': delivery.exchange,
      'messaging.rabbitmq.destination.routing_key': delivery.routingKey,
      'messaging.destination.subscription.name': queue,
      'messaging.message.id': delivery.messageId,
      'messaging.message.conversation_id': delivery.correlationId,
      'messaging.rabbitmq.message.delivery_count': delivery.deliveryCount,
    };
    return withSpan(name, { kind: 'consumer', parent: extractTraceContext(delivery.headers) ?? null, attributes }, () => handler(delivery));
  };
}

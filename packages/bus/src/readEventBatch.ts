import { type Delivery, type EventBatch, eventBatch, upcastEvent, upcastRoutingKey } from '@trading/contracts';
import { extractTraceContext, linkActiveSpan, PoisonMessageError } from '@trading/platform';

/**
 * The events of an EventBatch delivered from the `events` fanout, validated, as the current schema version names
 * them (a batch of version 1 may hold a SagaStarted: upcastEvent); anything else is a poison message. The active
 * span (the batch's consumer span) is linked to the trace each event was written in (its `traceparent`).
 */
export function readEventBatch(delivery: Pick<Delivery, 'body'>): EventBatch['events'] {
  const parsed = eventBatch.safeParse(upcastBatch(delivery.body));
  if (parsed.success) {
    linkActiveSpan(parsed.data.events.map(extractTraceContext));
    return parsed.data.events;
  }
  const issue = parsed.error.issues[0];
  throw new PoisonMessageError(`not an EventBatch: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`);
}

function upcastBatch(body: unknown): unknown {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return body;
  return {
    ...(body as object),
    events: events.map((item: unknown) => {
      if (typeof item !== 'object' || item === null) return item;
      const { event, routing_key } = item as { event?: unknown; routing_key?: unknown };
      return { ...item, event: upcastEvent(event), ...(typeof routing_key === 'string' ? { routing_key: upcastRoutingKey(routing_key) } : {}) };
    }),
  };
}

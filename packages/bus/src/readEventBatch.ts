import { type Delivery, type EventBatch, eventBatch } from '@trading/contracts';
import { PoisonMessageError } from '@trading/platform';

/** The events of an EventBatch delivered from the `events` fanout, validated; anything else is a poison message. */
export function readEventBatch(delivery: Pick<Delivery, 'body'>): EventBatch['events'] {
  const parsed = eventBatch.safeParse(delivery.body);
  if (parsed.success) return parsed.data.events;
  const issue = parsed.error.issues[0];
  throw new PoisonMessageError(`not an EventBatch: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`);
}

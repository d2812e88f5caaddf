import type { OutgoingMessage } from '@trading/contracts';
import { currentTraceContext, injectTraceContext } from '@trading/platform';

/**
 * The messages with the active trace context in their headers (`traceparent`, `tracestate`), so that publishing
 * them later, again, or from a replayed dead letter continues the trace that wrote them. A message that carries a
 * context already keeps it. As they are when tracing is off.
 */
export function stampTraceContext(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
  if (!currentTraceContext()) return [...messages];
  return messages.map((m) => (m.headers?.traceparent === undefined ? { ...m, headers: injectTraceContext({ ...m.headers }) } : m));
}

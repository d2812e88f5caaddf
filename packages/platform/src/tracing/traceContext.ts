import { type Context, context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { tracingState } from './tracingState.ts';

/** Where a trace stands: what a span started under it continues. Opaque to the other packages. */
export type TraceContext = Context;

/** Headers as they cross the broker (AMQP) or sit in an outbox row. */
type Carrier = Record<string, unknown>;

const getter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

/**
 * Writes `traceparent` (and `tracestate`) of `from` (default: the active context) into `headers` and returns them,
 * replacing any there. Leaves them as they are when tracing is off or no span is active.
 */
export function injectTraceContext<H extends Record<string, string | number>>(headers: H, from?: TraceContext): H {
  if (!tracingState.provider) return headers;
  propagation.inject(from ?? context.active(), headers);
  return headers;
}

/** The trace context that `headers` carry, or undefined (none, or tracing is off). */
export function extractTraceContext(headers: Carrier | null | undefined): TraceContext | undefined {
  if (!tracingState.provider || !headers || headers.traceparent === undefined) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, headers, getter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The active trace context, to hand to work that runs later (a batch); undefined when tracing is off. */
export function currentTraceContext(): TraceContext | undefined {
  return tracingState.provider ? context.active() : undefined;
}

/**
 * Runs `fn` with `ctx` active (a context from currentTraceContext or extractTraceContext), or with no trace for `null`
 * (work that belongs to no one caller, so it does not join the trace of whichever started its timer); as is when
 * tracing is off or `ctx` is undefined.
 */
export function withTraceContext<T>(ctx: TraceContext | null | undefined, fn: () => T): T {
  if (!tracingState.provider || ctx === undefined) return fn();
  return context.with(ctx ?? ROOT_CONTEXT, fn);
}

/** The active span's trace id, or undefined. */
export function currentTraceId(): string | undefined {
  return tracingState.provider ? trace.getActiveSpan()?.spanContext().traceId : undefined;
}

/** `trace_id` and `span_id` of the active span, for a log line (createLogger's mixin, which pino writes into); {} without one. */
export function traceFields(): Record<string, string> {
  if (!tracingState.provider) return {};
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

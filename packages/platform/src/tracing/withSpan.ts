import { type Attributes, context, type Link, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { TraceContext } from './traceContext.ts';
import { tracingState } from './tracingState.ts';

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export type SpanOptions = {
  kind?: SpanKindName;
  /** The context the span continues: default the active one; `null` starts a trace of its own. */
  parent?: TraceContext | null | undefined;
  /** Other traces the span relates to (the messages a batch holds); undefined entries are skipped. */
  links?: readonly (TraceContext | undefined)[];
  attributes?: SpanAttributes;
};

/** A started span. With tracing off, a shared no-op whose `context` is undefined. */
export type SpanHandle = {
  /** The context with this span active: what its children continue. */
  readonly context: TraceContext | undefined;
  setAttributes(attributes: SpanAttributes): void;
  /** Names the span by what it turned out to be (a request's type, once read). */
  rename(name: string): void;
  /** Marks the span failed (status ERROR) with the error recorded. */
  fail(error: unknown): void;
  addLinks(contexts: readonly (TraceContext | undefined)[]): void;
  end(): void;
};

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const NOOP: SpanHandle = Object.freeze({ context: undefined, setAttributes() {}, rename() {}, fail() {}, addLinks() {}, end() {} });

/** Starts a span that the caller ends (a WebSocket request answered later). */
export function startSpan(name: string, options: SpanOptions = {}): SpanHandle {
  const { tracer } = tracingState;
  if (!tracer) return NOOP;
  const parent = options.parent === null ? ROOT_CONTEXT : (options.parent ?? context.active());
  const span = tracer.startSpan(
    name,
    { kind: KINDS[options.kind ?? 'internal'], links: linksTo(options.links ?? []), attributes: defined(options.attributes) },
    parent,
  );
  return handle(span, trace.setSpan(parent, span));
}

/**
 * Runs `fn` in a new span, active for its duration (and for what it starts), and ends the span when `fn` returns or
 * its promise settles; a throw or a rejection marks it failed and goes on to the caller. With tracing off, just `fn`.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => T): T {
  if (!tracingState.tracer) return fn(NOOP);
  const span = startSpan(name, options);
  return context.with(span.context!, () => {
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      span.fail(err);
      span.end();
      throw err;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        span.fail(err);
        span.end();
        throw err;
      },
    ) as T;
  });
}

/** Links the active span to other traces (the events an EventBatch carries). */
export function linkActiveSpan(contexts: readonly (TraceContext | undefined)[]): void {
  if (!tracingState.tracer) return;
  trace.getActiveSpan()?.addLinks(linksTo(contexts));
}

function handle(span: Span, ctx: TraceContext): SpanHandle {
  return {
    context: ctx,
    setAttributes: (attributes) => void span.setAttributes(defined(attributes) ?? {}),
    rename: (name) => void span.updateName(name),
    fail(error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    },
    addLinks: (contexts) => void span.addLinks(linksTo(contexts)),
    end: () => span.end(),
  };
}

function linksTo(contexts: readonly (TraceContext | undefined)[]): Link[] {
  return contexts.flatMap((ctx) => {
    const spanContext = ctx && trace.getSpanContext(ctx);
    return spanContext ? [{ context: spanContext }] : [];
  });
}

function defined(attributes: SpanAttributes | undefined): Attributes | undefined {
  if (!attributes) return undefined;
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as Attributes;
}

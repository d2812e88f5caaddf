import type { Tracer } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** The process's tracer while tracing is on (startTracing); both undefined when it is off. */
export const tracingState: { provider: NodeTracerProvider | undefined; tracer: Tracer | undefined } = {
  provider: undefined,
  tracer: undefined,
};

import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { tracingState } from './tracingState.ts';

/** The settings of baseConfigShape that tracing reads. */
export type TracingSettings = { OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined; OTEL_BSP_SCHEDULE_DELAY?: number | undefined };

/**
 * Turns tracing on for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans of `trading-<service>` are sent
 * in batches over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`, the context follows async calls (AsyncLocalStorage)
 * and crosses the broker as W3C `traceparent`/`tracestate` headers. Without the endpoint nothing is set up: the
 * helpers of this module then run their callbacks bare, and the OpenTelemetry API stays its no-op self.
 * Call it once, right after loadConfig; closeGracefully flushes what is left (stopTracing).
 */
export function startTracing(service: string, settings: TracingSettings): void {
  const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || tracingState.provider) return;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `trading-${service}` }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: settings.OTEL_BSP_SCHEDULE_DELAY ?? 5000 })],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  tracingState.provider = provider;
  tracingState.tracer = provider.getTracer('@trading/platform');
}

/**
 * Sends the spans still buffered and stops tracing (closeGracefully's last step), leaving the OpenTelemetry API as
 * it was before startTracing. Nothing to do when it is off.
 */
export async function stopTracing(): Promise<void> {
  const { provider } = tracingState;
  if (!provider) return;
  tracingState.provider = undefined;
  tracingState.tracer = undefined;
  try {
    await provider.shutdown();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

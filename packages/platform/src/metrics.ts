import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one metrics registry, served on the operator port's GET /metrics. Metrics follow Prometheus' naming
 * rules: `trading_` first, base units (`_seconds`), `_total` on counters, and labels with a bounded set of values only
 * (a request type, an error code, a queue of the topology; never a user or a saga). Each package declares its own
 * metrics once, at module level, with the helpers below; every series gets a `service` label when the operator port
 * starts (serveMetrics).
 */
export const metricsRegistry = new Registry();

export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) {
  return new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => Promise<void> | void) {
  return new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry], ...(collect ? { collect } : {}) });
}

export function histogram<L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) {
  return new Histogram<L>({ name, help, buckets, labelNames, registers: [metricsRegistry] });
}

export type { Counter, Gauge, Histogram };

let serving: string | undefined;

/** Labels every series with the service's name and adds Node's runtime metrics (prom-client's defaults). Once per process. */
export function serveMetrics(service: string): void {
  if (serving !== undefined) return;
  serving = service;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

export * from './startTracing.ts';
export * from './traceContext.ts';
export * from './withSpan.ts';

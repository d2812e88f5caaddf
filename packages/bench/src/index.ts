export * from './chart.ts';
export * from './config.ts';
export * from './idleConnections.ts';
export * from './runBench.ts';
export * from './sagaCost.ts';
export * from './summary.ts';

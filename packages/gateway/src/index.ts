export * from './clock.ts';
export * from './config.ts';
export * from './probeDatabase.ts';
export * from './startGateway.ts';

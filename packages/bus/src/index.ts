export * from './assertTopology.ts';
export * from './connectBus.ts';
export * from './definitions.ts';
export * from './types.ts';
export * from './messages.ts';

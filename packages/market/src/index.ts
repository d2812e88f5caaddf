export * from './config.ts';
export * from './csvTicks.ts';
export * from './instrument.ts';
export * from './onTick.ts';
export * from './prng.ts';
export * from './randomWalk.ts';
export * from './tickStore.ts';

export * from './isolation.ts';
export * from './mochaHooks.ts';
export * from './serviceProcess.ts';
export * from './stack.ts';
export * from './wsClient.ts';
export * from './waitFor.ts';
export * from './useStack.ts';
export * from './adminKey.ts';

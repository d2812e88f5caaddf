export * from './decideOrder.ts';
export * from './decideStep.ts';
export * from './domain.ts';

export * from './criteria.ts';
export * from './figures.ts';
export * from './house.ts';
export * from './priceHistory.ts';
export * from './projection.ts';
export * from './report.ts';
export * from './stats.ts';
export * from './storedEvent.ts';

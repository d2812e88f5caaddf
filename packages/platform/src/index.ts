export * from './closeGracefully.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './logger.ts';
export * from './runMain.ts';
export * from './announceReady.ts';
export * from './seededRandom.ts';
export * from './rateLimiter.ts';

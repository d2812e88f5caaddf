// Batching, in one place (README.md): what services and stores may use of it.
export { type BatcherOptions, createBatcher } from './batcher.ts';
export { type Effect, type OnceSpec, type ProcessOnce, type ProcessOnceDeps, createProcessOnce, userScope } from './processOnce.ts';
export { assertDistinct, byPosition, columns } from './rows.ts';
export { type BatchedStatement, batchedQuery, batchedStatements, batchedWrite } from './statements.ts';
export { deferredWrite } from './deferred.ts';

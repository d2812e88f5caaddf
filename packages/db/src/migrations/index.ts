export * from './baselineHistory.ts';
export * from './ensureDatabase.ts';
export * from './migrateServiceDatabases.ts';
export * from './serviceDatabases.ts';

export { createPrismaClient, type CreatePrismaClientOptions, type DbLogger } from "./client.ts";
export * from "./generated/prisma/client.ts";
export * from "./connectDatabase.ts";
export * from "./database.ts";
export * from "./inbox.ts";
export * from "./outbox.ts";
export * from "./processOnce.ts";
export * from "./withDatabaseRetries.ts";
export * from "./sql.ts";

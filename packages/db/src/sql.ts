/** What the SQL helpers need: a `Database` (node-postgres) or its transaction, or a Prisma Client in tests. */
export type SqlClient = {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
};

/** A client that can also run a transaction: the service's `Database`, or a Prisma Client in tests. */
export type Transactional = SqlClient & { $transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> };

/** The PostgreSQL schemas the services own; each service passes its own. */
export type ServiceSchema = 'payment' | 'trade' | 'reporting';

export const table = (schema: ServiceSchema, name: string): string => `"${schema}"."${name}"`;

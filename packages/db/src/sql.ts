/** The part of a Prisma client (or transaction client) the shared SQL helpers need. */
export type SqlClient = {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
};

/** The PostgreSQL schemas the services own; each service passes its own. */
export type ServiceSchema = 'payment' | 'trade' | 'reporting';

export const table = (schema: ServiceSchema, name: string): string => `"${schema}"."${name}"`;

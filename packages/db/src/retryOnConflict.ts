/** PostgreSQL serialization failure and deadlock, as the driver or Prisma (P2034) reports them. */
const RETRYABLE = /40001|40P01|P2034|deadlock detected|could not serialize/;

/** Runs a transaction again when PostgreSQL aborted it for a conflict with a concurrent one. */
export async function retryOnConflict<T>(transaction: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (err) {
      const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`;
      if (attempt >= attempts || !RETRYABLE.test(text)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

import { createHash } from 'node:crypto';
import { type ServiceSchema, type SqlClient, table } from './sql.ts';

export type InboxClaim<R> = { status: 'new' } | { status: 'duplicate'; response: R } | { status: 'conflict' };

/**
 * Claims `key` (a request id scoped to its user, or a command's saga id) inside the handler's transaction.
 * A concurrent duplicate waits on the row lock and then sees the first one's response, so an effect is
 * applied once. The same key with a different request hash is a conflict.
 */
export async function claimInbox<R>(tx: SqlClient, schema: ServiceSchema, key: string, requestHash: string): Promise<InboxClaim<R>> {
  const inbox = table(schema, 'inbox');
  const inserted = await tx.$queryRawUnsafe<unknown[]>(
    `INSERT INTO ${inbox} (key, request_hash, response) VALUES ($1, $2, 'null'::jsonb) ON CONFLICT (key) DO NOTHING RETURNING key`,
    key,
    requestHash,
  );
  if (inserted.length > 0) return { status: 'new' };
  const [row] = await tx.$queryRawUnsafe<{ request_hash: string; response: R }[]>(
    `SELECT request_hash, response FROM ${inbox} WHERE key = $1`,
    key,
  );
  if (!row) throw new Error(`inbox row ${key} vanished`);
  return row.request_hash === requestHash ? { status: 'duplicate', response: row.response } : { status: 'conflict' };
}

/** Stores what was answered, in the same transaction as the effect. */
export async function completeInbox(tx: SqlClient, schema: ServiceSchema, key: string, response: unknown): Promise<void> {
  await tx.$executeRawUnsafe(`UPDATE ${table(schema, 'inbox')} SET response = $2::jsonb WHERE key = $1`, key, JSON.stringify(response));
}

/** A stable fingerprint of a request: its fields in key order, without the client's id. */
export function hashRequest(body: Record<string, unknown>): string {
  const { id: _id, ...rest } = body;
  const canonical = JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
  return createHash('sha256').update(canonical).digest('hex');
}

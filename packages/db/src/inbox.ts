import { createHash } from 'node:crypto';
import { type ServiceSchema, type SqlClient, table } from './sql.ts';

export type InboxClaim<R> = { status: 'new' } | { status: 'duplicate'; response: R } | { status: 'conflict' };

/**
 * Claims each key (a request id scoped to its user, or a command's saga id) inside the handler's transaction,
 * in one statement, and answers one claim per key in order. A concurrent duplicate waits on the row lock and
 * then sees the first one's response, so an effect is applied once. The same key with a different request hash
 * is a conflict. Keys must be distinct: a key claimed twice in one transaction has no response yet.
 */
export async function claimInbox<R>(tx: SqlClient, schema: ServiceSchema, requests: readonly { key: string; hash: string }[]): Promise<InboxClaim<R>[]> {
  const inbox = table(schema, 'inbox');
  const inserted = await tx.$queryRawUnsafe<{ key: string }[]>(
    `INSERT INTO ${inbox} (key, request_hash, response)
     SELECT key, hash, 'null'::jsonb FROM unnest($1::text[], $2::text[]) AS claim(key, hash) ORDER BY key
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    requests.map((r) => r.key),
    requests.map((r) => r.hash),
  );
  const claimed = new Set(inserted.map((row) => row.key));
  const earlier = requests.filter((r) => !claimed.has(r.key)).map((r) => r.key);
  const seen =
    earlier.length === 0
      ? []
      : await tx.$queryRawUnsafe<{ key: string; request_hash: string; response: R }[]>(
          `SELECT key, request_hash, response FROM ${inbox} WHERE key = ANY($1::text[])`,
          earlier,
        );
  const byKey = new Map(seen.map((row) => [row.key, row]));
  return requests.map(({ key, hash }): InboxClaim<R> => {
    if (claimed.has(key)) return { status: 'new' };
    const row = byKey.get(key);
    if (!row) throw new Error(`inbox row ${key} vanished`);
    return row.request_hash === hash ? { status: 'duplicate', response: row.response } : { status: 'conflict' };
  });
}

/** Stores what was answered for each key, in the same transaction as the effects. */
export async function completeInbox(tx: SqlClient, schema: ServiceSchema, answers: readonly { key: string; response: unknown }[]): Promise<void> {
  if (answers.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE ${table(schema, 'inbox')} AS inbox SET response = answer.response
     FROM unnest($1::text[], $2::jsonb[]) AS answer(key, response) WHERE inbox.key = answer.key`,
    answers.map((a) => a.key),
    answers.map((a) => JSON.stringify(a.response)),
  );
}

/** A stable fingerprint of a request: its fields in key order, without the client's id. */
export function hashRequest(body: Record<string, unknown>): string {
  const { id: _id, ...rest } = body;
  const canonical = JSON.stringify(
    Object.keys(rest)
      .sort()
      .map((k) => [k, rest[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

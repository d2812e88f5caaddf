import type { SqlClient } from '@trading/db';

/**
 * The user whose live api key has this SHA-256, from the credential projection (Payment's CredentialIssued and
 * CredentialRevoked events): undefined for a key never issued, revoked, or whose revocation was stored first.
 */
export async function findKeyOwner(db: SqlClient, keySha256: string): Promise<string | undefined> {
  const [row] = await db.$queryRawUnsafe<{ user_id: string }[]>(
    `SELECT user_id::text AS user_id FROM reporting.credential
     WHERE key_sha256 = $1 AND issued_at IS NOT NULL AND revoked_at IS NULL`,
    keySha256,
  );
  return row?.user_id;
}

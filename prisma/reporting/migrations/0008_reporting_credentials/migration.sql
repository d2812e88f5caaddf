-- Reporting's projection of Payment's credential events (CredentialIssued, CredentialRevoked): which user each api
-- key hash belongs to, and whether it is still live. Payment owns the credentials; this is a read model, updated in
-- the transaction that stores the events and rebuilt from the event store like every projection. Only the SHA-256
-- of a key is ever here. issued_at is null while a revocation has been stored before its issue (events of two
-- batches may commit in either order); a key counts as live only when issued and not revoked.
CREATE TABLE "reporting"."credential" (
  "key_sha256" TEXT PRIMARY KEY CHECK ("key_sha256" ~ '^[0-9a-f]{64}$'),
  "user_id"    UUID NOT NULL,
  "issued_at"  TIMESTAMPTZ(3),
  "revoked_at" TIMESTAMPTZ(3)
);

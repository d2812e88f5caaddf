-- Api keys, stored only as their SHA-256: Payment owns them. A user has at most one key that is not revoked.
CREATE TABLE payment.credential (
  key_sha256 TEXT PRIMARY KEY CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
  user_id    UUID NOT NULL REFERENCES payment.account (user_id),
  issued_at  TIMESTAMPTZ(3) NOT NULL,
  revoked_at TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX credential_one_live_key_per_user ON payment.credential (user_id) WHERE revoked_at IS NULL;

-- The audit trail of the service: every request made with the operator's key, every key rotation and revocation.
-- Append-only, like the ledger: the database refuses UPDATE, DELETE and TRUNCATE. The trigger's function lives in the
-- service's own schema, so that its database needs no other (the combined history had one public.refuse_audit_change).
CREATE FUNCTION payment.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TABLE payment.audit (
  id         BIGSERIAL PRIMARY KEY,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    UUID,
  request_id TEXT,
  at         TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX audit_at_idx ON payment.audit (at);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payment.audit
  FOR EACH STATEMENT EXECUTE FUNCTION payment.refuse_audit_change();

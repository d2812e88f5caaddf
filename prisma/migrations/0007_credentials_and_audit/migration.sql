-- Api keys, stored only as their SHA-256: Payment owns them. A user has at most one key that is not revoked.
CREATE TABLE payment.credential (
  key_sha256 TEXT PRIMARY KEY CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
  user_id    UUID NOT NULL REFERENCES payment.account (user_id),
  issued_at  TIMESTAMPTZ(3) NOT NULL,
  revoked_at TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX credential_one_live_key_per_user ON payment.credential (user_id) WHERE revoked_at IS NULL;

-- The audit trail of each service: every request made with the operator's key, every key rotation and revocation.
-- Append-only, like the ledger: the database refuses UPDATE, DELETE and TRUNCATE.
CREATE FUNCTION public.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END;
$$;

DO $$
DECLARE s TEXT;
BEGIN
  FOREACH s IN ARRAY ARRAY['payment', 'trade', 'reporting'] LOOP
    EXECUTE format('CREATE TABLE %I.audit (
      id         BIGSERIAL PRIMARY KEY,
      actor      TEXT NOT NULL,
      action     TEXT NOT NULL,
      subject    UUID,
      request_id TEXT,
      at         TIMESTAMPTZ(3) NOT NULL
    )', s);
    EXECUTE format('CREATE INDEX audit_at_idx ON %I.audit (at)', s);
    EXECUTE format('CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %I.audit
      FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_audit_change()', s);
  END LOOP;
END;
$$;

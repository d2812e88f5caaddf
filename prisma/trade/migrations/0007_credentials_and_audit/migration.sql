-- The audit trail of the service: every request made with the operator's key, every key rotation and revocation.
-- Append-only, like the ledger: the database refuses UPDATE, DELETE and TRUNCATE. The trigger's function lives in the
-- service's own schema, so that its database needs no other (the combined history had one public.refuse_audit_change).
CREATE FUNCTION trade.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TABLE trade.audit (
  id         BIGSERIAL PRIMARY KEY,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    UUID,
  request_id TEXT,
  at         TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX audit_at_idx ON trade.audit (at);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON trade.audit
  FOR EACH STATEMENT EXECUTE FUNCTION trade.refuse_audit_change();

-- The audit trail's append-only trigger calls a function of the service's own schema. A database migrated by the
-- combined history (before the split per service) has the trigger call public.refuse_audit_change, shared by the
-- three services: this moves it to reporting.refuse_audit_change (a no-op where 0007 made that already), and the last
-- service to move drops the shared one. A service's database then holds nothing outside its schema.
CREATE OR REPLACE FUNCTION reporting.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS audit_append_only ON reporting.audit;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON reporting.audit
  FOR EACH STATEMENT EXECUTE FUNCTION reporting.refuse_audit_change();
DO $$
BEGIN
  IF to_regprocedure('public.refuse_audit_change()') IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure('public.refuse_audit_change()')) THEN
    DROP FUNCTION public.refuse_audit_change();
  END IF;
END;
$$;

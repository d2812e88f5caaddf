-- The ledger is append-only: an UPDATE or DELETE of a ledger row is refused by the database itself,
-- whatever code (or person) tries it. Balances are audited against it (ledgerDiscrepancies, the invariant checker).
CREATE FUNCTION payment.refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payment.ledger is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER ledger_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON payment.ledger
  FOR EACH STATEMENT EXECUTE FUNCTION payment.refuse_ledger_change();

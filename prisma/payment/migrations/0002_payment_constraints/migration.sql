-- Invariants of the payment schema that the Prisma schema language cannot express. The service never relies
-- on them alone (it decides on locked rows), but no bug and no hand-written SQL can break them.
-- NB: Prisma's driver adapter splits migration scripts at every semicolon, so none may appear in comments,
-- strings or function bodies here (which rules out a PL/pgSQL trigger).

-- Balances never go negative, and a reservation never holds a negative amount.
ALTER TABLE "payment"."account" ADD CONSTRAINT "account_available_not_negative" CHECK ("available" >= 0);
ALTER TABLE "payment"."account" ADD CONSTRAINT "account_reserved_not_negative" CHECK ("reserved" >= 0);
ALTER TABLE "payment"."reservation" ADD CONSTRAINT "reservation_amount_not_negative" CHECK ("amount" >= 0);

-- Every ledger row moves money.
ALTER TABLE "payment"."ledger" ADD CONSTRAINT "ledger_moves_money" CHECK ("available_delta" <> 0 OR "reserved_delta" <> 0);

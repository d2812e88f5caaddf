-- Prices from the market, the house as every trade's counterparty, pre-trade risk and halts (issue 20).
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.

-- The house's cash: an account like any other, whose available balance may be negative.
INSERT INTO "payment"."account" ("user_id", "created_at") VALUES ('00000000-0000-0000-0000-000000000000', now())
ON CONFLICT ("user_id") DO NOTHING;
ALTER TABLE "payment"."account"
  DROP CONSTRAINT IF EXISTS "account_available_not_negative",
  ADD CONSTRAINT "account_available_not_negative" CHECK ("available" >= 0 OR "user_id" = '00000000-0000-0000-0000-000000000000');

-- The house's side of a trade (TRADE: ± the notional) and the fee it earns (FEE).
ALTER TYPE "payment"."LedgerKind" ADD VALUE IF NOT EXISTS 'TRADE';
ALTER TYPE "payment"."LedgerKind" ADD VALUE IF NOT EXISTS 'FEE';

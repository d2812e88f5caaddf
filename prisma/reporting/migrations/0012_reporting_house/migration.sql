-- Reporting's projection of the house, every trade's counterparty (issue 20): its cash and fees from Payment's
-- FundsCaptured and FundsCredited events, its positions from Trade's completed sagas. A read model like the others,
-- updated in the transaction that stores the events and rebuilt from the event store. Both may be negative.
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.

-- One row: cash = BUYs' captures (notional + fee) less SELLs' payouts (notional - fee), fees = the fees among them.
CREATE TABLE "reporting"."house_cash" (
  "house" BOOLEAN PRIMARY KEY DEFAULT true CHECK ("house"),
  "cash"  NUMERIC(30, 8) NOT NULL,
  "fees"  NUMERIC(30, 8) NOT NULL
);

-- Per symbol: what a completed SELL brought the house, less what a completed BUY took from it.
CREATE TABLE "reporting"."house_position" (
  "symbol"   TEXT PRIMARY KEY,
  "quantity" NUMERIC(30, 8) NOT NULL
);

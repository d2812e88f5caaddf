-- Prices from the market, the house as every trade's counterparty, pre-trade risk and halts (issue 20).
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.

-- The catalogue's trading rules: a price is a whole number of price ticks, a quantity a whole number of lots, and
-- one order's notional is at most max_notional. The ticks are the market's (market.instrument.price_tick).
ALTER TABLE "trade"."instrument"
  ADD COLUMN "price_tick"   NUMERIC(20, 8) NOT NULL DEFAULT 0.01 CHECK ("price_tick" > 0),
  ADD COLUMN "lot_size"     NUMERIC(20, 8) NOT NULL DEFAULT 0.0001 CHECK ("lot_size" > 0),
  ADD COLUMN "max_notional" NUMERIC(20, 8) NOT NULL DEFAULT 1000000 CHECK ("max_notional" > 0);
UPDATE "trade"."instrument" SET "price_tick" = 0.0001 WHERE "symbol" = 'XRP';
UPDATE "trade"."instrument" SET "lot_size" = 0.00001, "max_notional" = 5000000 WHERE "symbol" = 'BTC';
UPDATE "trade"."instrument" SET "max_notional" = 5000000 WHERE "symbol" IN ('ETH', 'NSDQ100');

-- Trading halted by the operator, in one symbol or one whole market (HALT and RESUME).
CREATE TABLE "trade"."halt" (
  "scope"     TEXT NOT NULL CHECK ("scope" IN ('SYMBOL', 'MARKET')),
  "name"      TEXT NOT NULL,
  "halted_at" TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY ("scope", "name")
);

-- A saga's price figures. price_bound: the highest price a BUY may execute at (lowest for a SELL), its limit or a
-- market order's collar. reserved: what a BUY reserved. price, notional, fee and tick_seq: the execution, once it
-- happened (a SELL executes when accepted, a BUY when its funds are reserved).
ALTER TABLE "trade"."saga"
  ADD COLUMN "limit_price" NUMERIC(20, 8),
  ADD COLUMN "price_bound" NUMERIC(20, 8),
  ADD COLUMN "reserved"    NUMERIC(20, 8),
  ADD COLUMN "fee"         NUMERIC(20, 8) NOT NULL DEFAULT 0,
  ADD COLUMN "tick_seq"    BIGINT;
UPDATE "trade"."saga" SET "price_bound" = "price", "limit_price" = CASE WHEN "market_order" THEN NULL ELSE "price" END,
  "reserved" = CASE WHEN "side" = 'BUY' THEN "notional" END;
ALTER TABLE "trade"."saga"
  ALTER COLUMN "price_bound" SET NOT NULL,
  ALTER COLUMN "price" DROP NOT NULL,
  ALTER COLUMN "notional" DROP NOT NULL,
  DROP CONSTRAINT IF EXISTS "saga_amounts_check",
  ADD CONSTRAINT "saga_amounts_check" CHECK ("quantity" > 0 AND "price_bound" > 0 AND ("price" IS NULL OR "price" > 0)
    AND ("notional" IS NULL OR "notional" > 0) AND "fee" >= 0 AND ("reserved" IS NULL OR "reserved" > 0));

-- A trade's fee and the market tick its price came from.
ALTER TABLE "trade"."trade"
  ADD COLUMN "fee"      NUMERIC(20, 8) NOT NULL DEFAULT 0 CHECK ("fee" >= 0),
  ADD COLUMN "tick_seq" BIGINT;

-- The house (HOUSE_USER_ID, the nil uuid) holds the other side of every trade: its positions may be negative.
ALTER TABLE "trade"."holding"
  DROP CONSTRAINT IF EXISTS "holding_quantity_check",
  ADD CONSTRAINT "holding_quantity_check" CHECK ("quantity" >= 0 OR "user_id" = '00000000-0000-0000-0000-000000000000');

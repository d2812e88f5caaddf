-- The market's own reference data and its tick history (packages/market). Trade's catalogue stays Trade's.
-- Instruments come from the seed (/work/shared/seed/markets.csv and symbols.csv) with the same reference prices as
-- 0003_trade_catalogue; hours are UTC, open from opens_at through the last second of closes_at.
CREATE SCHEMA IF NOT EXISTS "market";

CREATE TABLE "market"."instrument" (
  "symbol"          TEXT PRIMARY KEY CHECK ("symbol" ~ '^[A-Z0-9]{1,16}$'),
  "market"          TEXT NOT NULL,
  "opens_at"        TIME(0) NOT NULL,
  "closes_at"       TIME(0) NOT NULL,
  "reference_price" NUMERIC(20, 8) NOT NULL CHECK ("reference_price" > 0),
  "price_tick"      NUMERIC(20, 8) NOT NULL CHECK ("price_tick" > 0),
  CHECK ("opens_at" <= "closes_at"),
  -- The reference price lies on the tick grid, so the walk starts on it.
  CHECK ("reference_price" % "price_tick" = 0)
);

INSERT INTO "market"."instrument" ("symbol", "market", "opens_at", "closes_at", "reference_price", "price_tick") VALUES
  ('AMZN', 'Stocks', '09:00:00', '16:00:00', 180.00, 0.01),
  ('AAPL', 'Stocks', '09:00:00', '16:00:00', 190.00, 0.01),
  ('META', 'Stocks', '09:00:00', '16:00:00', 480.00, 0.01),
  ('NFLX', 'Stocks', '09:00:00', '16:00:00', 620.00, 0.01),
  ('TSLA', 'Stocks', '09:00:00', '16:00:00', 175.00, 0.01),
  ('NTES', 'Stocks', '09:00:00', '16:00:00', 95.00, 0.01),
  ('BTC', 'Crypto', '00:00:00', '23:59:59', 65000.00, 0.01),
  ('XRP', 'Crypto', '00:00:00', '23:59:59', 0.52, 0.0001),
  ('ETH', 'Crypto', '00:00:00', '23:59:59', 3400.00, 0.01),
  ('NSDQ100', 'Indices', '09:00:00', '16:00:00', 18000.00, 0.01),
  ('USDDOLLAR', 'Indices', '09:00:00', '16:00:00', 104.00, 0.01),
  ('OIL', 'Commodities', '09:00:00', '16:00:00', 78.00, 0.01)
ON CONFLICT ("symbol") DO NOTHING;

-- Every tick the leader published, appended in batches (one transaction per flush) and pruned in the same flush to
-- the last 24 hours, keeping each symbol's latest tick however old: a restarted leader resumes from it.
CREATE TABLE "market"."tick" (
  "id"     BIGSERIAL PRIMARY KEY,
  "symbol" TEXT NOT NULL REFERENCES "market"."instrument" ("symbol"),
  "seq"    BIGINT NOT NULL CHECK ("seq" > 0),
  "price"  NUMERIC(20, 8) NOT NULL CHECK ("price" > 0),
  "at"     TIMESTAMPTZ(3) NOT NULL,
  UNIQUE ("symbol", "seq")
);
CREATE INDEX "tick_at_idx" ON "market"."tick" ("at");

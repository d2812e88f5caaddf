-- Trade's catalogue and the rules Prisma cannot express.
-- Markets and symbols are the seed's reference data (/work/shared/seed/markets.csv and symbols.csv);
-- hours are UTC and a market is open from opens_at through the last second of closes_at.
-- Each symbol gets a reference price: the price of a market order (a BUY or SELL without `price`).

INSERT INTO "trade"."market" ("id", "name", "opens_at", "closes_at") VALUES
  (1, 'Stocks', '09:00:00', '16:00:00'),
  (2, 'Crypto', '00:00:00', '23:59:59'),
  (3, 'Indices', '09:00:00', '16:00:00'),
  (4, 'Commodities', '09:00:00', '16:00:00')
ON CONFLICT ("id") DO NOTHING;

INSERT INTO "trade"."instrument" ("id", "symbol", "market_id", "reference_price") VALUES
  (100, 'AMZN', 1, 180.00),
  (101, 'AAPL', 1, 190.00),
  (102, 'META', 1, 480.00),
  (103, 'NFLX', 1, 620.00),
  (104, 'TSLA', 1, 175.00),
  (105, 'NTES', 1, 95.00),
  (106, 'BTC', 2, 65000.00),
  (107, 'XRP', 2, 0.52),
  (108, 'ETH', 2, 3400.00),
  (109, 'NSDQ100', 3, 18000.00),
  (110, 'USDDOLLAR', 3, 104.00),
  (111, 'OIL', 4, 78.00)
ON CONFLICT ("id") DO NOTHING;

ALTER TABLE "trade"."market"
  DROP CONSTRAINT IF EXISTS "market_hours_check",
  ADD CONSTRAINT "market_hours_check" CHECK ("opens_at" <= "closes_at");

ALTER TABLE "trade"."instrument"
  DROP CONSTRAINT IF EXISTS "instrument_reference_price_check",
  ADD CONSTRAINT "instrument_reference_price_check" CHECK ("reference_price" > 0);

ALTER TABLE "trade"."holding"
  DROP CONSTRAINT IF EXISTS "holding_quantity_check",
  DROP CONSTRAINT IF EXISTS "holding_reserved_check",
  DROP CONSTRAINT IF EXISTS "holding_cost_basis_check",
  ADD CONSTRAINT "holding_quantity_check" CHECK ("quantity" >= 0),
  ADD CONSTRAINT "holding_reserved_check" CHECK ("reserved" >= 0),
  ADD CONSTRAINT "holding_cost_basis_check" CHECK ("cost_basis" >= 0);

ALTER TABLE "trade"."trade"
  DROP CONSTRAINT IF EXISTS "trade_amounts_check",
  ADD CONSTRAINT "trade_amounts_check" CHECK ("quantity" > 0 AND "price" > 0 AND "notional" > 0);

ALTER TABLE "trade"."saga"
  DROP CONSTRAINT IF EXISTS "saga_amounts_check",
  ADD CONSTRAINT "saga_amounts_check" CHECK ("quantity" > 0 AND "price" > 0 AND "notional" > 0);

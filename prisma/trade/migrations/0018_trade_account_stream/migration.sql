-- The `account` stream (README, Streams): each change of a user's holdings or orders that Trade announces carries the
-- next number of the user's counter, advanced in the transaction that makes the change (once per user per batch), so
-- a subscriber can tell a gap. Trade has no row per user of its own, hence this table; a user gets a row with their
-- first change.
CREATE TABLE "trade"."account_stream" (
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    CONSTRAINT "account_stream_pkey" PRIMARY KEY ("user_id")
);

-- A subscription's snapshot lists the user's open orders: found without reading every saga the user ever placed.
CREATE INDEX "saga_open_by_user" ON "trade"."saga" ("user_id") WHERE "state" IN ('STARTED', 'CAPTURING', 'COMPENSATING');

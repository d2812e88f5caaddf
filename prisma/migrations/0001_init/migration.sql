-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "payment";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reporting";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "trade";

-- CreateEnum
CREATE TYPE "payment"."LedgerKind" AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'RESERVE', 'RELEASE', 'CAPTURE', 'CREDIT');

-- CreateEnum
CREATE TYPE "payment"."ReservationStatus" AS ENUM ('RESERVED', 'CAPTURED', 'RELEASED');

-- CreateEnum
CREATE TYPE "trade"."Side" AS ENUM ('BUY', 'SELL');

-- CreateEnum
CREATE TYPE "trade"."SagaState" AS ENUM ('STARTED', 'CAPTURING', 'COMPENSATING', 'COMPLETED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT');

-- CreateTable
CREATE TABLE "payment"."account" (
    "user_id" UUID NOT NULL,
    "available" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "reserved" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "account_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "payment"."ledger" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "payment"."LedgerKind" NOT NULL,
    "available_delta" DECIMAL(20,8) NOT NULL,
    "reserved_delta" DECIMAL(20,8) NOT NULL,
    "saga_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment"."reservation" (
    "saga_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" DECIMAL(20,8) NOT NULL,
    "status" "payment"."ReservationStatus" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reservation_pkey" PRIMARY KEY ("saga_id")
);

-- CreateTable
CREATE TABLE "payment"."held_asset" (
    "user_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,

    CONSTRAINT "held_asset_pkey" PRIMARY KEY ("user_id","symbol")
);

-- CreateTable
CREATE TABLE "payment"."inbox" (
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "payment"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "exchange" TEXT NOT NULL,
    "routing_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "correlation_id" TEXT,
    "reply_to" TEXT,
    "headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."market" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "opens_at" TIME(0) NOT NULL,
    "closes_at" TIME(0) NOT NULL,

    CONSTRAINT "market_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."instrument" (
    "id" INTEGER NOT NULL,
    "symbol" TEXT NOT NULL,
    "market_id" INTEGER NOT NULL,
    "reference_price" DECIMAL(20,8) NOT NULL,

    CONSTRAINT "instrument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."saga" (
    "id" UUID NOT NULL,
    "request_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "request_id" JSONB NOT NULL,
    "side" "trade"."Side" NOT NULL,
    "user_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "price" DECIMAL(20,8) NOT NULL,
    "notional" DECIMAL(20,8) NOT NULL,
    "market_order" BOOLEAN NOT NULL,
    "state" "trade"."SagaState" NOT NULL,
    "failure_code" TEXT,
    "failure_reason" TEXT,
    "trade_id" UUID,
    "reply" JSONB,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saga_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."saga_waiter" (
    "id" BIGSERIAL NOT NULL,
    "saga_id" UUID NOT NULL,
    "client_id" JSONB NOT NULL,
    "reply_to" TEXT NOT NULL,
    "correlation_id" TEXT NOT NULL,

    CONSTRAINT "saga_waiter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."trade" (
    "id" UUID NOT NULL,
    "saga_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "side" "trade"."Side" NOT NULL,
    "symbol" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "price" DECIMAL(20,8) NOT NULL,
    "notional" DECIMAL(20,8) NOT NULL,
    "executed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trade_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade"."holding" (
    "user_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "reserved" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "cost_basis" DECIMAL(20,8) NOT NULL,

    CONSTRAINT "holding_pkey" PRIMARY KEY ("user_id","symbol")
);

-- CreateTable
CREATE TABLE "trade"."inbox" (
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "trade"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "exchange" TEXT NOT NULL,
    "routing_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "correlation_id" TEXT,
    "reply_to" TEXT,
    "headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting"."event" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "user_id" UUID,
    "symbol" TEXT,
    "side" TEXT,
    "amount" DECIMAL(20,8),
    "quantity" DECIMAL(20,8),
    "price" DECIMAL(20,8),
    "notional" DECIMAL(20,8),
    "saga_id" UUID,
    "outcome" TEXT,
    "code" TEXT,
    "duration_ms" INTEGER,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting"."symbol_stats" (
    "symbol" TEXT NOT NULL,
    "trades" INTEGER NOT NULL,
    "quantity_bought" DECIMAL(30,8) NOT NULL,
    "quantity_sold" DECIMAL(30,8) NOT NULL,
    "notional" DECIMAL(30,8) NOT NULL,

    CONSTRAINT "symbol_stats_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "reporting"."user_stats" (
    "user_id" UUID NOT NULL,
    "trades" INTEGER NOT NULL,
    "deposits" INTEGER NOT NULL,
    "deposited" DECIMAL(30,8) NOT NULL,
    "withdrawals" INTEGER NOT NULL,
    "withdrawn" DECIMAL(30,8) NOT NULL,
    "net_cash_flow" DECIMAL(30,8) NOT NULL,

    CONSTRAINT "user_stats_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "reporting"."user_holding" (
    "user_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "quantity" DECIMAL(30,8) NOT NULL,

    CONSTRAINT "user_holding_pkey" PRIMARY KEY ("user_id","symbol")
);

-- CreateTable
CREATE TABLE "reporting"."saga_outcome" (
    "outcome" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "last_reason" TEXT,

    CONSTRAINT "saga_outcome_pkey" PRIMARY KEY ("outcome","code")
);

-- CreateTable
CREATE TABLE "reporting"."saga_duration" (
    "saga_id" UUID NOT NULL,
    "outcome" TEXT NOT NULL,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "saga_duration_pkey" PRIMARY KEY ("saga_id")
);

-- CreateTable
CREATE TABLE "reporting"."events_per_minute" (
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "events" INTEGER NOT NULL,
    "trades" INTEGER NOT NULL,

    CONSTRAINT "events_per_minute_pkey" PRIMARY KEY ("minute")
);

-- CreateTable
CREATE TABLE "reporting"."event_type_count" (
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "event_type_count_pkey" PRIMARY KEY ("type")
);

-- CreateIndex
CREATE INDEX "ledger_user_id_idx" ON "payment"."ledger"("user_id");

-- CreateIndex
CREATE INDEX "reservation_user_id_status_idx" ON "payment"."reservation"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_seq_key" ON "payment"."outbox"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "market_name_key" ON "trade"."market"("name");

-- CreateIndex
CREATE UNIQUE INDEX "instrument_symbol_key" ON "trade"."instrument"("symbol");

-- CreateIndex
CREATE UNIQUE INDEX "saga_request_key_key" ON "trade"."saga"("request_key");

-- CreateIndex
CREATE INDEX "saga_state_deadline_idx" ON "trade"."saga"("state", "deadline");

-- CreateIndex
CREATE INDEX "saga_waiter_saga_id_idx" ON "trade"."saga_waiter"("saga_id");

-- CreateIndex
CREATE UNIQUE INDEX "trade_saga_id_key" ON "trade"."trade"("saga_id");

-- CreateIndex
CREATE INDEX "trade_user_id_executed_at_idx" ON "trade"."trade"("user_id", "executed_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_seq_key" ON "trade"."outbox"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "event_seq_key" ON "reporting"."event"("seq");

-- CreateIndex
CREATE INDEX "event_occurred_at_idx" ON "reporting"."event"("occurred_at");

-- CreateIndex
CREATE INDEX "event_user_id_occurred_at_idx" ON "reporting"."event"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "event_symbol_occurred_at_idx" ON "reporting"."event"("symbol", "occurred_at");

-- CreateIndex
CREATE INDEX "event_type_occurred_at_idx" ON "reporting"."event"("type", "occurred_at");

-- AddForeignKey
ALTER TABLE "trade"."instrument" ADD CONSTRAINT "instrument_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "trade"."market"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trade"."saga_waiter" ADD CONSTRAINT "saga_waiter_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "trade"."saga"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reporting";

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
CREATE UNIQUE INDEX "event_seq_key" ON "reporting"."event"("seq");

-- CreateIndex
CREATE INDEX "event_occurred_at_idx" ON "reporting"."event"("occurred_at");

-- CreateIndex
CREATE INDEX "event_user_id_occurred_at_idx" ON "reporting"."event"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "event_symbol_occurred_at_idx" ON "reporting"."event"("symbol", "occurred_at");

-- CreateIndex
CREATE INDEX "event_type_occurred_at_idx" ON "reporting"."event"("type", "occurred_at");

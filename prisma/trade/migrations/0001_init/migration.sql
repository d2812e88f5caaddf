-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "trade";

-- CreateEnum
CREATE TYPE "trade"."Side" AS ENUM ('BUY', 'SELL');

-- CreateEnum
CREATE TYPE "trade"."SagaState" AS ENUM ('STARTED', 'CAPTURING', 'COMPENSATING', 'COMPLETED', 'REJECTED', 'COMPENSATED', 'TIMED_OUT');

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

-- AddForeignKey
ALTER TABLE "trade"."instrument" ADD CONSTRAINT "instrument_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "trade"."market"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trade"."saga_waiter" ADD CONSTRAINT "saga_waiter_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "trade"."saga"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

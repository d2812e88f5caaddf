-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "payment";

-- CreateEnum
CREATE TYPE "payment"."LedgerKind" AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'RESERVE', 'RELEASE', 'CAPTURE', 'CREDIT');

-- CreateEnum
CREATE TYPE "payment"."ReservationStatus" AS ENUM ('RESERVED', 'CAPTURED', 'RELEASED');

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

-- CreateIndex
CREATE INDEX "ledger_user_id_idx" ON "payment"."ledger"("user_id");

-- CreateIndex
CREATE INDEX "reservation_user_id_status_idx" ON "payment"."reservation"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_seq_key" ON "payment"."outbox"("seq");

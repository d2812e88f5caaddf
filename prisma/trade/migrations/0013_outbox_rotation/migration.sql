-- The outbox as two rotating partitions (packages/db/src/outbox.ts): every row is inserted and deleted within a
-- second, and with autovacuum off (as on this machine) or behind, the dead rows of a plain table are never reclaimed,
-- so it grows with all traffic ever sent. Writers insert into the current slot (outbox_slot), while the other drains:
-- once every row in it is published, rotateOutbox TRUNCATEs it, which gives its space back at once, and makes it the
-- current one. So each partition holds at most a few rotation intervals of traffic, live or dead.
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.

ALTER TABLE "trade"."outbox" RENAME TO "outbox_unrotated";
ALTER INDEX "trade"."outbox_pkey" RENAME TO "outbox_unrotated_pkey";
ALTER INDEX "trade"."outbox_seq_key" RENAME TO "outbox_unrotated_seq_key";
CREATE TABLE "trade"."outbox" (
  "slot"           SMALLINT NOT NULL CHECK ("slot" IN (0, 1)),
  "id"             UUID NOT NULL,
  "seq"            BIGSERIAL NOT NULL,
  "exchange"       TEXT NOT NULL,
  "routing_key"    TEXT NOT NULL,
  "type"           TEXT NOT NULL,
  "body"           JSONB NOT NULL,
  "correlation_id" TEXT,
  "reply_to"       TEXT,
  "headers"        JSONB,
  "created_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("id", "slot")
) PARTITION BY LIST ("slot");
CREATE TABLE "trade"."outbox_0" PARTITION OF "trade"."outbox" FOR VALUES IN (0);
CREATE TABLE "trade"."outbox_1" PARTITION OF "trade"."outbox" FOR VALUES IN (1);
CREATE INDEX "outbox_seq_idx" ON "trade"."outbox" ("seq");
INSERT INTO "trade"."outbox" ("slot", "id", "seq", "exchange", "routing_key", "type", "body", "correlation_id", "reply_to", "headers", "created_at")
  SELECT 0, "id", "seq", "exchange", "routing_key", "type", "body", "correlation_id", "reply_to", "headers", "created_at" FROM "trade"."outbox_unrotated";
SELECT setval(pg_get_serial_sequence('"trade"."outbox"', 'seq'), coalesce((SELECT max("seq") FROM "trade"."outbox"), 0) + 1, false);
DROP TABLE "trade"."outbox_unrotated";
CREATE TABLE "trade"."outbox_slot" (
  "only"        BOOLEAN PRIMARY KEY DEFAULT true CHECK ("only"),
  "slot"        SMALLINT NOT NULL CHECK ("slot" IN (0, 1)),
  "switched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "trade"."outbox_slot" ("slot") VALUES (0);

-- The outbox as two rotating partitions (packages/db/src/outbox.ts): every row is inserted and deleted within a
-- second, and with autovacuum off (as on this machine) or behind, the dead rows of a plain table are never reclaimed,
-- so it grows with all traffic ever sent. Writers insert into the current slot (outbox_slot), while the other drains:
-- once every row in it is published, rotateOutbox TRUNCATEs it, which gives its space back at once, and makes it the
-- current one. So each partition holds at most a few rotation intervals of traffic, live or dead.
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.

ALTER TABLE "payment"."outbox" RENAME TO "outbox_unrotated";
ALTER INDEX "payment"."outbox_pkey" RENAME TO "outbox_unrotated_pkey";
ALTER INDEX "payment"."outbox_seq_key" RENAME TO "outbox_unrotated_seq_key";
CREATE TABLE "payment"."outbox" (
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
CREATE TABLE "payment"."outbox_0" PARTITION OF "payment"."outbox" FOR VALUES IN (0);
CREATE TABLE "payment"."outbox_1" PARTITION OF "payment"."outbox" FOR VALUES IN (1);
CREATE INDEX "outbox_seq_idx" ON "payment"."outbox" ("seq");
INSERT INTO "payment"."outbox" ("slot", "id", "seq", "exchange", "routing_key", "type", "body", "correlation_id", "reply_to", "headers", "created_at")
  SELECT 0, "id", "seq", "exchange", "routing_key", "type", "body", "correlation_id", "reply_to", "headers", "created_at" FROM "payment"."outbox_unrotated";
SELECT setval(pg_get_serial_sequence('"payment"."outbox"', 'seq'), coalesce((SELECT max("seq") FROM "payment"."outbox"), 0) + 1, false);
DROP TABLE "payment"."outbox_unrotated";
CREATE TABLE "payment"."outbox_slot" (
  "only"        BOOLEAN PRIMARY KEY DEFAULT true CHECK ("only"),
  "slot"        SMALLINT NOT NULL CHECK ("slot" IN (0, 1)),
  "switched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "payment"."outbox_slot" ("slot") VALUES (0);


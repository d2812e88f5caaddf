-- The dead letters an operator handles (issue 25): Reporting ingests the `dead-letter` queue into this table, one row
-- per message and failed queue. A message that fails again after a replay comes back to its row, `attempts` counting
-- on, and waits again. `pnpm dlq` lists, shows, replays and drops them, the dashboard lists the waiting ones.
-- NB: Prisma's driver adapter splits this script at every semicolon, so none may appear in comments or strings.
CREATE TABLE "reporting"."dead_letter" (
  "id"               UUID PRIMARY KEY,
  -- The AMQP message id (or, for a message without one, a hash of its body): with the queue, what makes a row.
  "message_id"       TEXT NOT NULL,
  "failed_queue"     TEXT NOT NULL,
  -- The consumer that gave up (x-failed-service), or 'broker' when the queue's delivery limit dead-lettered it.
  "failed_service"   TEXT NOT NULL,
  "error"            TEXT NOT NULL,
  "error_name"       TEXT NOT NULL,
  "attempts"         INT NOT NULL CHECK ("attempts" >= 1),
  -- What told this failure from a redelivery of the same dead letter (x-failed-at, or the x-death count and time).
  "failure_key"      TEXT NOT NULL,
  "first_failed_at"  TIMESTAMPTZ(3) NOT NULL,
  "last_failed_at"   TIMESTAMPTZ(3) NOT NULL,
  -- Where the message was first published, and as whom (its AMQP user-id): a replay is published there again.
  "exchange"         TEXT NOT NULL,
  "routing_key"      TEXT NOT NULL,
  "publisher"        TEXT,
  "published_at"     TIMESTAMPTZ(3),
  "type"             TEXT,
  -- The AMQP properties and headers as received, and the body as text (JSON for every message of this system).
  "properties"       JSONB NOT NULL,
  "body"             TEXT NOT NULL,
  "state"            TEXT NOT NULL DEFAULT 'waiting' CHECK ("state" IN ('waiting', 'replayed', 'dropped')),
  "state_changed_at" TIMESTAMPTZ(3) NOT NULL,
  "state_changed_by" TEXT,
  UNIQUE ("failed_queue", "message_id")
);

CREATE INDEX "dead_letter_state_idx" ON "reporting"."dead_letter"("state", "last_failed_at");

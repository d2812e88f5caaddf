-- A saga's timeline (GET /api/sagas/<id>): every stored event of one saga, found by its order (saga) id or by the
-- client's request id that placed it, down an index whatever the size of the store.
-- The client's request id, as text: kept on a saga's OrderAccepted, null on every other event.
ALTER TABLE "reporting"."event" ADD COLUMN "request_id" TEXT;

-- Partial: most events (deposits, credentials) belong to no saga, and only OrderAccepted names a request id.
CREATE INDEX "event_saga_id_occurred_at_idx" ON "reporting"."event" ("saga_id", "occurred_at") WHERE "saga_id" IS NOT NULL;
CREATE INDEX "event_request_id_idx" ON "reporting"."event" ("request_id", "user_id") WHERE "request_id" IS NOT NULL;

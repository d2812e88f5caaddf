-- The inbox keeps a key for a retention window (INBOX_RETENTION_HOURS): the pruning job of @trading/db removes the
-- oldest keys in small batches, which this index finds without scanning the table.
CREATE INDEX "inbox_created_at_idx" ON "trade"."inbox"("created_at");

-- The `account` stream (README, Streams): each change of an account's funds that Payment announces carries the next
-- number of this counter, advanced in the transaction that makes the change (once per user per batch), so a
-- subscriber can tell a gap. USER_INFO reads it with the balances: the snapshot says which number it is current to.
ALTER TABLE "payment"."account" ADD COLUMN "stream_seq" BIGINT NOT NULL DEFAULT 0;

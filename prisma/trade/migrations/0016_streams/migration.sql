-- ORDER_STATUS tells each step of an order with its time: accepted (created_at), funds or holding reserved
-- (reserved_at: a BUY's when Payment's FundsReserved arrived, a SELL's at its acceptance), and its end (updated_at
-- of a terminal saga). Older sagas have no reserved_at: their step is reported without a time.
ALTER TABLE "trade"."saga" ADD COLUMN "reserved_at" TIMESTAMPTZ(3);

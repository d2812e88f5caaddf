-- Queue-like tables: under load their rows are inserted and deleted (outbox, saga_waiter) or inserted and updated
-- once (inbox) thousands of times a second, while few of them stay live. Autovacuum's default trigger (20 % of the
-- table dead) lets such a table bloat to hundreds of megabytes of dead rows that every index scan wades through
-- (BENCHMARKS.md measured it); vacuum them after a fixed number of dead rows instead, without cost throttling.
ALTER TABLE "payment"."outbox" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE "payment"."inbox" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_cost_delay = 0);

import { counter, histogram } from '@trading/platform';

/** Messages in each batch a batcher runs (createBatcher): one transaction's worth in processOnce and Reporting. */
export const batchSize = histogram(
  'trading_batch_size',
  'Messages handled in one batch (one transaction) by a batcher.',
  [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
);

/** Messages of busy lanes (createBatcher's busyLanePerSecond): run in batches of their own, beside everyone else's. */
export const busyLaneMessages = counter(
  'trading_busy_lane_messages_total',
  'Messages of a busy scope (one user sending 50 or more a second) run in batches of their own, beside the others.',
);

/** Messages whose inbox key was already there: a re-sent request or a redelivered command, answered from memory. */
export const inboxDuplicates = counter(
  'trading_inbox_duplicates_total',
  'Messages found in the inbox already (re-sent or redelivered), whose effect was not applied again.',
);

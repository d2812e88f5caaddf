import { baseConfigShape, ownDatabaseShape, booleanSetting, inboxRetentionShape, operatorConfigShape, partitionsConfigShape } from '@trading/platform';

/** The Payment service's settings, read once by main.ts through loadConfig. */
export const paymentConfigShape = {
  ...baseConfigShape,
  ...ownDatabaseShape('payment'),
  ...inboxRetentionShape,
  ...partitionsConfigShape,
  ...operatorConfigShape('payment'),
  /** Fault injection for tests: exit right after a commit, before publishing (see crashAfterCommit.ts). */
  PAYMENT_CRASH_AFTER_COMMIT: booleanSetting.default(false),
};

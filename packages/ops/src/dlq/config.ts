import { baseConfigShape, inboxRetentionShape, ownDatabaseShape } from '@trading/platform';

/** The dead-letter console's settings, read once by main.ts through loadConfig. */
export const dlqConfigShape = {
  /**
   * The store (reporting.dead_letter) and the audit trail, in Reporting's database: REPORTING_DATABASE_URL, else
   * DATABASE_URL; the migration role by default, as an operator's tool.
   */
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  ...ownDatabaseShape('reporting'),
  /** The broker and vhost, as the operator (the broker's admin by default): replays of no service's message go as this user. */
  AMQP_URL: baseConfigShape.AMQP_URL,
  /** The services' inbox retention: a replay of an older message needs --force. */
  INBOX_RETENTION_HOURS: inboxRetentionShape.INBOX_RETENTION_HOURS,
};

import { baseConfigShape, inboxRetentionShape } from '@trading/platform';

/** The dead-letter console's settings, read once by main.ts through loadConfig. */
export const dlqConfigShape = {
  /** The store (reporting.dead_letter) and the audit trail: the migration role by default, as an operator's tool. */
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  /** The broker and vhost, as the operator (the broker's admin by default): replays of no service's message go as this user. */
  AMQP_URL: baseConfigShape.AMQP_URL,
  /** The services' inbox retention: a replay of an older message needs --force. */
  INBOX_RETENTION_HOURS: inboxRetentionShape.INBOX_RETENTION_HOURS,
};

/*
 * The infrastructure's errors, each with a stable `code` to test and log by (never by its text). A service's own
 * refusals are reply codes in @trading/contracts (errorCodes); the database's deterministic refusal is
 * DeterministicDatabaseError in @trading/db, as it carries the SQLSTATE it came from.
 */

/** A setting is missing or wrong: the service does not start, and says which in one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

/** A dependency (broker, database) could not be reached at start; the message says how to start it. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  readonly code = 'DEPENDENCY_UNREACHABLE';
}

/**
 * Throw this (with the original error as `cause`) for a failure of the infrastructure rather than of the message,
 * such as a lost database connection: the bus keeps the message and runs the handler again with backoff, for as
 * long as it takes, instead of counting the failure towards dead-lettering.
 */
export class TransientError extends Error {
  override name = 'TransientError';
  readonly code = 'TRANSIENT';
}

/** Throw this from a handler for a message that can never succeed: it is dead-lettered at once. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
  readonly code = 'POISON_MESSAGE';
}

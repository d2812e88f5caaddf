import { randomUUID } from 'node:crypto';
import { errorCodes, errorReply, type Reply, type RequestId, type RequestType } from '@trading/contracts';
import { type Logger, TransientError } from '@trading/platform';

/*
 * What a database error means for the message that met it, read from its SQLSTATE (never from its text):
 *
 * - conflict (40001 serialization failure, 40P01 deadlock): run the transaction again at once;
 * - transient (class 08 connection, 53 insufficient resources, 57P operator intervention, the rest of class 40):
 *   the database, not the message, failed; the bus keeps the message and retries it with backoff;
 * - deterministic (class 22 data exception, 23 integrity constraint violation): it will fail the same way every
 *   time; the request is answered with an ERROR instead (DeterministicDatabaseError).
 *
 * Errors the driver raises before any SQL ran carry no SQLSTATE: a refused or reset socket (its errno code), Prisma's
 * connection codes, and node-postgres's own pool and connection errors, which it raises with a message and no code.
 */
export type DatabaseFailure = 'conflict' | 'transient' | 'deterministic';

const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']);
/** Prisma: P1001 can't reach the database, P1017 closed the connection, P2024 pool timeout, P2028 transaction API error. */
const PRISMA_CONNECTION = new Set(['P1001', 'P1017', 'P2024', 'P2028']);
/** node-postgres's errors without a code: a client used after its connection ended, a pool that could not connect. */
const PG_CONNECTION_MESSAGES =
  /^(Client has encountered a connection error and is not queryable|Connection terminated|timeout exceeded when trying to connect)/;

export function classifyDatabaseError(err: unknown): DatabaseFailure | undefined {
  const state = sqlStateOf(err);
  if (state !== undefined) {
    if (state === '40001' || state === '40P01') return 'conflict';
    if (/^(08|40|53|57P)/.test(state)) return 'transient';
    if (/^(22|23)/.test(state)) return 'deterministic';
    return undefined;
  }
  const codes = codesOf(err);
  if (codes.some((code) => CONNECTION_ERRNO.has(code) || PRISMA_CONNECTION.has(code))) return 'transient';
  if (codes.includes('P2034')) return 'conflict';
  return chainOf(err).some((e) => PG_CONNECTION_MESSAGES.test(String((e as { message?: unknown }).message ?? ''))) ? 'transient' : undefined;
}

/** The SQLSTATE of a PostgreSQL error, as node-postgres (`code`) or Prisma's adapter (`cause.originalCode`) carries it. */
export function sqlStateOf(err: unknown): string | undefined {
  return codesOf(err).find((code) => /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code));
}

/**
 * A database error that will happen again however often the message is retried: the message is answered with an
 * ERROR carrying `reference`, which the log line of the failure also carries, so an operator can find it.
 */
export class DeterministicDatabaseError extends Error {
  override name = 'DeterministicDatabaseError';
  readonly reference = randomUUID();
  constructor(
    readonly sqlState: string,
    options: { cause: unknown },
  ) {
    super(`the database refused the change (SQLSTATE ${sqlState})`, options);
  }

  /** The reply's code: a value the database cannot hold is the request's fault; a broken constraint is ours. */
  get code(): 'INVALID_REQUEST' | 'INTERNAL' {
    return this.sqlState.startsWith('22') ? 'INVALID_REQUEST' : 'INTERNAL';
  }
}

/** The error the caller should see: a TransientError, a DeterministicDatabaseError, or the error itself. */
export function asDatabaseFailure(err: unknown): unknown {
  const kind = classifyDatabaseError(err);
  if (kind === 'transient') return new TransientError(`database unavailable (${codesOf(err).join(' ') || 'connection'})`, { cause: err });
  if (kind === 'deterministic') return new DeterministicDatabaseError(sqlStateOf(err) ?? '', { cause: err });
  return err;
}

function chainOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== null && typeof e === 'object' && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function codesOf(err: unknown): string[] {
  return chainOf(err).flatMap((e) => {
    const { code, originalCode, meta } = e as { code?: unknown; originalCode?: unknown; meta?: { code?: unknown } };
    return [code, originalCode, meta?.code].filter((c): c is string => typeof c === 'string');
  });
}

/**
 * The value of `work`, or the deterministic refusal it met, logged with its reference (any other failure is thrown
 * on). For read-only answers, which nothing remembers.
 */
export async function answerRefusal<T>(work: Promise<T>, logger: Logger): Promise<{ value: T } | { refused: DeterministicDatabaseError }> {
  try {
    return { value: await work };
  } catch (err) {
    if (!(err instanceof DeterministicDatabaseError)) throw err;
    logFailure(logger, err);
    return { refused: err };
  }
}

export function logFailure(logger: Logger, failure: DeterministicDatabaseError, fields: Record<string, unknown> = {}): void {
  const { reference, sqlState } = failure;
  logger.error({ ...fields, err: failure.cause, reference, sqlState }, 'the database refused a request deterministically; answered with an ERROR');
}

/** The ERROR a deterministic refusal is answered with: the code, and the reference of the log line that explains it. */
export function refusedReply(request: { id: RequestId; type: RequestType }, failure: DeterministicDatabaseError): Reply {
  const message = `${errorCodes[failure.code].message}: the database refused it (reference ${failure.reference})`;
  return errorReply(request.id, request.type, failure.code, message, { reference: failure.reference });
}

import type { OutgoingMessage, Publisher } from '@trading/contracts';
import { currentTraceContext, type Logger, type TraceContext, withSpan } from '@trading/platform';
import { DeterministicDatabaseError, logFailure } from '../databaseErrors.ts';
import { claimInbox, completeInbox, type InboxClaim } from '../inbox.ts';
import type { Outbox } from '../outbox.ts';
import type { ServiceSchema, SqlClient, Transactional } from '../sql.ts';
import { inboxDuplicates } from '../metrics.ts';
import { stampTraceContext } from '../stampTraceContext.ts';
import { withDatabaseRetries } from '../withDatabaseRetries.ts';
import { createBatcher } from './batcher.ts';
import { flushDeferred, startDeferring } from './deferred.ts';

export type Effect<R> = { response: R; messages: OutgoingMessage[] };

export type OnceSpec<R> = {
  /** Idempotency key: the request id scoped to its user or connection, or the command's saga id and type. */
  key: string;
  /** Fingerprint of the request; the same key with another fingerprint is a conflict. */
  hash: string;
  /**
   * What the effect reads and changes, e.g. the user whose account or holdings it touches. The messages of a batch
   * with different scopes are applied side by side; those of one scope one after another, in the order they came,
   * so each decides on the state the ones before it left.
   */
  scope: string;
  /** The effect, in the transaction: returns what to remember and the messages to send. */
  apply: (tx: SqlClient) => Promise<Effect<R>>;
  /** Messages to send again for a duplicate, from what was remembered (e.g. the reply, re-addressed). */
  replay: (response: R, tx: SqlClient) => OutgoingMessage[] | Promise<OutgoingMessage[]>;
  /** Messages for a reused key with a different request (e.g. a DUPLICATE_REQUEST_ID error reply). */
  conflict: () => OutgoingMessage[];
  /**
   * What a message whose effect the database refuses deterministically (DeterministicDatabaseError) leaves instead: an
   * ERROR reply, remembered like any response, so a re-send gets it too. Without it (a saga's command or event, which
   * no client waits on) the error goes to the bus, which dead-letters the message.
   */
  refuse?: (failure: DeterministicDatabaseError) => Effect<R>;
};

/** Applies a message's effect exactly once; resolves when it has committed and its answers are on their way. */
export type ProcessOnce = <R>(spec: OnceSpec<R>) => Promise<void>;

export type ProcessOnceDeps = {
  db: Transactional;
  bus: Publisher;
  outbox: Outbox;
  schema: ServiceSchema;
  /** Most messages in one transaction (at most the consumer's prefetch matters). */
  maxBatch?: number;
  logger: Logger;
};

/** The scope of what a user owns (an account, holdings, sagas), whatever the case of the id's hex digits. */
export const userScope = (userId: string): string => `user:${userId.toLowerCase()}`;

type Outcome = { stored: boolean; response?: unknown; messages: OutgoingMessage[] };

/**
 * Most messages of one scope in a batch: applied one after another, they lengthen the whole batch, so this bounds what
 * one busy account costs everyone else's latency (BENCHMARKS.md, the hot account).
 */
const MAX_PER_SCOPE = 50;

/**
 * A scope that sends this many messages a second (a market maker's account, say; an ordinary user sends a few) is busy:
 * its messages run in batches of their own, beside everyone else's, so its lane neither lengthens the others' batches
 * nor makes them wait for its own (BENCHMARKS.md, the hot account).
 */
const BUSY_SCOPE_PER_SECOND = 50;

/** The positions of the batch's messages grouped by scope, each group in arrival order. */
function lanesOf(specs: readonly OnceSpec<unknown>[]): number[][] {
  const lanes = new Map<string, number[]>();
  for (const [i, spec] of specs.entries()) {
    const lane = lanes.get(spec.scope);
    if (lane) lane.push(i);
    else lanes.set(spec.scope, [i]);
  }
  return [...lanes.values()];
}

/** A spec as the batcher holds it: with the trace context of the message it came from (tracing). */
type Traced = OnceSpec<unknown> & { trace?: TraceContext };

const traced = <R>(spec: OnceSpec<R>): Traced => {
  const trace = currentTraceContext();
  return (trace ? { ...spec, trace } : spec) as Traced;
};

async function outcomeOf(tx: SqlClient, spec: OnceSpec<unknown>, claim: InboxClaim<unknown>): Promise<Outcome> {
  if (claim.status === 'duplicate') return { stored: false, messages: await spec.replay(claim.response, tx) };
  if (claim.status === 'conflict') return { stored: false, messages: spec.conflict() };
  const { response, messages } = await spec.apply(tx);
  return { stored: true, response, messages };
}

/** A message's share of the batch, as a span of the message's own trace, its outgoing messages stamped with it. */
function tracedOutcomeOf(tx: SqlClient, spec: Traced, claim: InboxClaim<unknown>): Promise<Outcome> {
  return withSpan('processOnce apply', { parent: spec.trace, attributes: { 'trading.inbox.claim': claim.status } }, async () => {
    const outcome = await outcomeOf(tx, spec, claim);
    return { ...outcome, messages: stampTraceContext(outcome.messages) };
  });
}

/** The batch's transaction as a span of its own, linked to the traces of the messages it holds. */
function inTransactionSpan<R>(run: (specs: Traced[]) => Promise<R>): (specs: Traced[]) => Promise<R> {
  return (specs) => {
    const options = { parent: null, links: specs.map((spec) => spec.trace), attributes: { 'trading.batch.size': specs.length } };
    return withSpan('processOnce transaction', options, () => run(specs));
  };
}

/**
 * Exactly-once processing. Each message's inbox claim, its effect, its outgoing messages (outbox) and its
 * remembered response commit in one transaction; after commit the messages are published. A duplicate or a
 * conflict changes nothing, and its answer is published directly before the message is acked.
 *
 * The messages a consumer holds at once share a transaction (one BEGIN, inbox claim, outbox insert and COMMIT
 * for the batch), and the effects of different scopes run side by side, so the batched statements of the store
 * functions are paid once per batch too (batched statements): that is what lets a busy service keep up. The messages
 * of one scope (one user's) form a lane: they share the batch but run one after another, in the order they came, so
 * one busy account moves many messages per transaction too. Two messages with the same key never share a batch, and
 * when a batch fails (one message is refused, say) each of its messages runs again on its own, in order.
 */
export function createProcessOnce(deps: ProcessOnceDeps): ProcessOnce {
  const { db, bus, outbox, schema } = deps;

  /**
   * Commits the batch; then its outbox messages are published (the events of the whole batch as one EventBatch),
   * and a duplicate's or a conflict's answers are sent directly: each message settles on its own sends.
   */
  async function runBatch(specs: Traced[]): Promise<Promise<void>[]> {
    const { outcomes, written, duplicates } = await withDatabaseRetries(() =>
      db.$transaction(async (tx) => {
        const claims = await claimInbox<unknown>(tx, schema, specs);
        startDeferring(tx);
        const results: Outcome[] = new Array(specs.length);
        const settled = await Promise.allSettled(
          lanesOf(specs).map(async (lane) => {
            for (const i of lane) results[i] = await tracedOutcomeOf(tx, specs[i]!, claims[i]!);
          }),
        );
        const failed = settled.find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
        await flushDeferred(tx);
        const answers = results.flatMap((r, i) => (r.stored ? [{ key: specs[i]!.key, response: r.response }] : []));
        const written = await outbox.add(
          tx,
          results.flatMap((r) => (r.stored ? r.messages : [])),
        );
        await completeInbox(tx, schema, answers);
        return { outcomes: results, written, duplicates: claims.filter((claim) => claim.status === 'duplicate').length };
      }),
    );
    outbox.flush(written);
    inboxDuplicates.inc(duplicates);
    return outcomes.map(async (outcome) => {
      if (!outcome.stored) await Promise.all(outcome.messages.map((m) => bus.publish(m)));
    });
  }

  const process = createBatcher(inTransactionSpan(runBatch), {
    maxBatch: deps.maxBatch ?? 100,
    keyOf: (spec) => spec.key,
    laneOf: (spec) => spec.scope,
    maxPerLane: MAX_PER_SCOPE,
    busyLanePerSecond: BUSY_SCOPE_PER_SECOND,
  });
  return async <R>(spec: OnceSpec<R>) => {
    try {
      await process(traced(spec));
    } catch (err) {
      // A failed batch ran each message alone: this one fails by itself, the same way every time.
      if (!(err instanceof DeterministicDatabaseError) || !spec.refuse) throw err;
      logFailure(deps.logger, err, { key: spec.key });
      const refusal = spec.refuse(err);
      await process(traced({ ...spec, apply: async () => refusal }));
    }
  };
}

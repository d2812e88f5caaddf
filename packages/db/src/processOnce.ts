import type { Bus, OutgoingMessage } from '@trading/bus';
import { createBatcher } from '@trading/platform';
import { claimInbox, completeInbox } from './inbox.ts';
import type { Outbox } from './outbox.ts';
import type { ServiceSchema, SqlClient, Transactional } from './sql.ts';
import { withDatabaseRetries } from './withDatabaseRetries.ts';

export type Effect<R> = { response: R; messages: OutgoingMessage[] };

export type OnceSpec<R> = {
  /** Idempotency key: the request id scoped to its user or connection, or the command's saga id and type. */
  key: string;
  /** Fingerprint of the request; the same key with another fingerprint is a conflict. */
  hash: string;
  /** The effect, in the transaction: returns what to remember and the messages to send. */
  apply: (tx: SqlClient) => Promise<Effect<R>>;
  /** Messages to send again for a duplicate, from what was remembered (e.g. the reply, re-addressed). */
  replay: (response: R, tx: SqlClient) => OutgoingMessage[] | Promise<OutgoingMessage[]>;
  /** Messages for a reused key with a different request (e.g. a DUPLICATE_REQUEST_ID error reply). */
  conflict: () => OutgoingMessage[];
};

/** Applies a message's effect exactly once; resolves when it has committed and its answers are on their way. */
export type ProcessOnce = <R>(spec: OnceSpec<R>) => Promise<void>;

export type ProcessOnceDeps = {
  db: Transactional;
  bus: Bus;
  outbox: Outbox;
  schema: ServiceSchema;
  /** Most messages in one transaction (at most the consumer's prefetch matters). */
  maxBatch?: number;
};

type Outcome = { stored: boolean; messages: OutgoingMessage[] };

/**
 * Exactly-once processing. Each message's inbox claim, its effect, its outgoing messages (outbox) and its
 * remembered response commit in one transaction; after commit the messages are published. A duplicate or a
 * conflict changes nothing, and its answer is published directly before the message is acked.
 *
 * The messages a consumer holds at once share a transaction (one BEGIN, inbox claim, outbox insert and COMMIT
 * for the batch): that is what lets a busy service keep up. Two messages with the same key never share one,
 * and when a batch fails (one message is refused, say) each of its messages runs again on its own.
 */
export function createProcessOnce(deps: ProcessOnceDeps): ProcessOnce {
  const { db, bus, outbox, schema } = deps;

  /** Commits the batch; then each message's answers are sent, and each settles on its own sends. */
  async function runBatch(specs: OnceSpec<unknown>[]): Promise<Promise<void>[]> {
    const outcomes = await withDatabaseRetries(() =>
      db.$transaction(async (tx) => {
        const claims = await claimInbox<unknown>(tx, schema, specs);
        const results: Outcome[] = [];
        const answers: { key: string; response: unknown }[] = [];
        for (const [i, spec] of specs.entries()) {
          const claim = claims[i]!;
          if (claim.status === 'duplicate') results.push({ stored: false, messages: await spec.replay(claim.response, tx) });
          else if (claim.status === 'conflict') results.push({ stored: false, messages: spec.conflict() });
          else {
            const { response, messages } = await spec.apply(tx);
            answers.push({ key: spec.key, response });
            results.push({ stored: true, messages });
          }
        }
        await outbox.add(tx, results.flatMap((r) => (r.stored ? r.messages : [])));
        await completeInbox(tx, schema, answers);
        return results;
      }),
    );
    return outcomes.map(async (outcome) => {
      if (outcome.stored) outbox.flush(outcome.messages);
      else await Promise.all(outcome.messages.map((m) => bus.publish(m)));
    });
  }

  const process = createBatcher(runBatch, { maxBatch: deps.maxBatch ?? 100, keyOf: (spec) => spec.key });
  return async <R>(spec: OnceSpec<R>) => {
    await process(spec as OnceSpec<unknown>);
  };
}

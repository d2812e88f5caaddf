import type { Bus, OutgoingMessage } from '@trading/bus';
import { claimInbox, completeInbox } from './inbox.ts';
import type { Outbox } from './outbox.ts';
import { withDatabaseRetries } from './withDatabaseRetries.ts';
import type { ServiceSchema, SqlClient, Transactional } from './sql.ts';

export type Effect<R> = { response: R; messages: OutgoingMessage[] };

export type ProcessOnceDeps = { db: Transactional; bus: Bus; outbox: Outbox; schema: ServiceSchema };

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

/**
 * Applies a message's effect exactly once. The inbox claim, the effect, the outgoing messages (outbox)
 * and the remembered response commit in one transaction; after commit the messages are published.
 * A duplicate or a conflict changes nothing and its answer is published directly before the message is acked.
 */
export async function processOnce<R>(deps: ProcessOnceDeps, spec: OnceSpec<R>): Promise<void> {
  const outcome = await withDatabaseRetries(() =>
    deps.db.$transaction(async (tx) => {
      const claim = await claimInbox<R>(tx, deps.schema, spec.key, spec.hash);
      if (claim.status === 'duplicate') return { stored: false, messages: await spec.replay(claim.response, tx) };
      if (claim.status === 'conflict') return { stored: false, messages: spec.conflict() };
      const { response, messages } = await spec.apply(tx);
      await deps.outbox.add(tx, messages);
      await completeInbox(tx, deps.schema, spec.key, response);
      return { stored: true, messages };
    }),
  );
  if (outcome.stored) deps.outbox.flush(outcome.messages);
  else await Promise.all(outcome.messages.map((m) => deps.bus.publish(m)));
}

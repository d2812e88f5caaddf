import type { Bus } from '@trading/bus';
import { type Delivery, errorReply, exchanges, okReply, type Reply, replyMessage, reportRequest, requestIdSchema, requestRoutes } from '@trading/contracts';
import { type Transactional, withDatabaseRetries } from '@trading/db';
import { type Logger, PoisonMessageError } from '@trading/platform';
import { auditOperator } from './auditOperator.ts';
import { authorizeReport } from './authorizeReport.ts';
import { createEventRecorder } from './recordEvent.ts';
import type { QueryGate } from './queryGate.ts';
import { reportFor } from './report.ts';

export type HandlerDeps = { db: Transactional; bus: Bus; logger: Logger; lingerMs: number; now: () => Date; queries: QueryGate };
export type QueryHandlerDeps = Pick<HandlerDeps, 'bus' | 'logger' | 'now' | 'queries'>;

/**
 * The consumer of reporting.events: the batches of domain events from the fanout (and a REPORT left there from before
 * REPORT had its own queue).
 */
export function createHandler(deps: HandlerDeps): (delivery: Delivery) => Promise<void> {
  const recordEvents = createEventRecorder(deps.db, deps.lingerMs);
  const answerQuery = createQueryHandler(deps);
  return async (delivery) => {
    const log = deps.logger.child({ messageId: delivery.messageId, correlationId: delivery.correlationId, requestId: delivery.headers['x-request-id'] });
    if (delivery.routingKey === requestRoutes.REPORT.routingKey) return answerQuery(delivery);
    const stored = await recordEvents(delivery);
    const fresh = stored.filter(Boolean).length;
    log.debug({ events: stored.length, duplicates: stored.length - fresh }, 'event batch stored');
  };
}

/** The consumer of reporting.queries: REPORT requests from the gateway, each through the query gate. */
export function createQueryHandler(deps: QueryHandlerDeps): (delivery: Delivery) => Promise<void> {
  return async (delivery) => {
    await answerReport(deps, delivery);
    deps.logger.debug({ correlationId: delivery.correlationId }, 'report answered');
  };
}

async function answerReport(deps: QueryHandlerDeps, delivery: Delivery): Promise<void> {
  const request = reportRequest.safeParse(delivery.body);
  if (!request.success) {
    const id = requestIdSchema.safeParse((delivery.body as { id?: unknown } | null)?.id);
    if (!id.success) throw new PoisonMessageError('REPORT request without a valid id');
    const message = request.error.issues[0]?.message;
    return publish(deps, delivery, errorReply(id.data, 'REPORT', 'INVALID_REQUEST', message));
  }
  const verdict = authorizeReport(delivery, request.data);
  if (!verdict.ok)
    return publish(deps, delivery, errorReply(request.data.id, 'REPORT', verdict.code, verdict.message, verdict.field ? { field: verdict.field } : {}));
  const { id, type: _type, ...criteria } = verdict.request;
  const outcome = await deps.queries.run(verdict.principal, criteria, async (db) => {
    await withDatabaseRetries(() =>
      auditOperator(db, verdict.principal, { action: 'REPORT', subject: criteria.user_id, requestId: String(id), at: deps.now() }),
    );
    return withDatabaseRetries(() => reportFor(db, verdict.principal, criteria));
  });
  if (!outcome.ok) {
    const { code, message, retryAfterMs } = outcome;
    return publish(deps, delivery, errorReply(id, 'REPORT', code, message, retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }));
  }
  return publish(deps, delivery, okReply(id, 'REPORT', 'report over the matching events', { report: outcome.value }));
}

async function publish(deps: Pick<HandlerDeps, 'bus'>, delivery: Delivery, reply: Reply): Promise<void> {
  await Promise.all(replyMessage(delivery, exchanges.apiResponse, reply).map((m) => deps.bus.publish(m)));
}

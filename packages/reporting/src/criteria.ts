import { reportRequest } from '@trading/contracts';
import { z } from 'zod';
import { storedTypes } from './storedEvent.ts';

/** What a report or an event listing is filtered by: the REPORT request's fields, all optional. */
export const reportCriteria = reportRequest.omit({ id: true, type: true });
export type ReportCriteria = z.infer<typeof reportCriteria>;

export const eventsQuery = reportCriteria.extend({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** The SQL condition on reporting.event for the criteria (and any fixed `extra` conditions), parameters from $1. */
export function whereClause(criteria: ReportCriteria, ...extra: string[]): { sql: string; params: unknown[] } {
  const conditions: string[] = [...extra];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (criteria.from) add((p) => `occurred_at >= ${p}::timestamptz`, criteria.from);
  if (criteria.to) add((p) => `occurred_at < ${p}::timestamptz`, criteria.to);
  if (criteria.user_id) add((p) => `user_id = ${p}::uuid`, criteria.user_id);
  if (criteria.symbol) add((p) => `symbol = ${p}`, criteria.symbol);
  // An event type matches the rows an older schema version stored under its former name too (SagaStarted).
  if (criteria.event_type) add((p) => `type = ANY(${p}::text[])`, storedTypes(criteria.event_type));
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

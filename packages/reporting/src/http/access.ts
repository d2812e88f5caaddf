import { authorize, type ErrorCode, type Principal } from '@trading/contracts';

export type Scoped<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * The criteria `principal` may ask with, by the rule the gateway and every service apply to a REPORT (authorize):
 * a user's are limited to its own user_id (none named: its own) and naming another is FORBIDDEN; the operator's
 * are as asked, global without a user_id.
 */
export function scopeCriteria<T extends { user_id?: string | undefined }>(principal: Principal, criteria: T): Scoped<T> {
  const verdict = authorize(principal, { id: 'http', type: 'REPORT', ...(criteria.user_id === undefined ? {} : { user_id: criteria.user_id }) });
  if (!verdict.ok) return verdict;
  const userId = 'user_id' in verdict.request ? verdict.request.user_id : undefined;
  return { ok: true, value: userId === undefined ? criteria : { ...criteria, user_id: userId } };
}

/** The statistics of everybody, the live stream and the dashboard are the operator's. */
export const OPERATOR_ONLY = "only the operator's key (ADMIN_API_KEY) sees everybody's figures";

export const isOperator = (principal: Principal): boolean => principal.kind === 'admin';

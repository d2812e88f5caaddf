import { authorizeStamped, type Delivery, type ErrorCode, type Principal, type ReportRequest } from '@trading/contracts';

export type ReportVerdict = { ok: true; principal: Principal; request: ReportRequest } | { ok: false; code: ErrorCode; message: string; field?: string };

/**
 * Whether a REPORT that came over the bus may be answered, and for whom. Only a gateway's principal stamp counts
 * (authorizeStamped: the broker vouches for `delivery.userId`). By the stamp, a user's REPORT is limited to its own
 * user_id while the operator's may be global (authorize, the rule the gateway applies too).
 */
export function authorizeReport(delivery: Delivery, request: ReportRequest): ReportVerdict {
  const verdict = authorizeStamped(delivery.userId, delivery.headers, request);
  return verdict.ok ? { ...verdict, request: verdict.request as ReportRequest } : verdict;
}

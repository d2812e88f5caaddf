import type { Delivery } from '@trading/bus';
import { authorize, type ErrorCode, type Principal, type ReportRequest, stampedPrincipal } from '@trading/contracts';

export type ReportVerdict = { ok: true; principal: Principal; request: ReportRequest } | { ok: false; code: ErrorCode; message: string; field?: string };

/**
 * Whether a REPORT that came over the bus may be answered, and for whom. Only a gateway's principal stamp counts
 * (stampedPrincipal: the broker vouches for `delivery.userId`). By the stamp, a user's REPORT is limited to its own
 * user_id while the operator's may be global (authorize, the rule the gateway applies too).
 */
export function authorizeReport(delivery: Delivery, request: ReportRequest): ReportVerdict {
  const principal = stampedPrincipal(delivery.userId, delivery.headers);
  if (!principal) return { ok: false, code: 'FORBIDDEN', message: 'the request carries no principal stamped by a gateway' };
  const verdict = authorize(principal, request);
  if (!verdict.ok) return verdict;
  return { ok: true, principal, request: verdict.request as ReportRequest };
}

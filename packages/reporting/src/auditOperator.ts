import { encodePrincipal, type Principal } from '@trading/contracts';
import { recordAudit, type SqlClient } from '@trading/db';

export type AuditedCall = { action: string; subject?: string | undefined; requestId?: string | undefined; at: Date };

/**
 * Appends a row to the append-only reporting.audit for what the operator asked, before it is answered (a row that
 * cannot be written fails the call). A user's calls about its own figures are not audited.
 */
export async function auditOperator(db: SqlClient, principal: Principal, call: AuditedCall): Promise<void> {
  if (principal.kind !== 'admin') return;
  await recordAudit(db, 'reporting', { ...call, actor: encodePrincipal(principal), at: call.at.toISOString() });
}

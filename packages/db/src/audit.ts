import { columns, deferredWrite } from './batching/index.ts';
import type { ServiceSchema, SqlClient } from './sql.ts';

/** One line of a service's append-only audit trail: who did what, for whom, when. */
export type AuditEntry = {
  /** The principal as encodePrincipal writes it: `admin` or `user:<uuid>`. */
  actor: string;
  /** What was done: a request type (`WITHDRAW`), or a credential change (`CREDENTIAL_ROTATED`, `CREDENTIAL_REVOKED`). */
  action: string;
  /** The user acted for or on, if any. */
  subject?: string | undefined;
  /** The client's request id, as text. */
  requestId?: string | undefined;
  at: string;
};

/*
 * Audit rows are written with the batch's other deferred writes (deferredWrite): one INSERT for the batch, before it
 * commits, so a row commits with the effect it records, or not at all; outside a batch, at once.
 */
const inserts = {
  payment: deferredWrite((tx, entries: readonly AuditEntry[]) => insertAudit(tx, 'payment', entries)),
  trade: deferredWrite((tx, entries: readonly AuditEntry[]) => insertAudit(tx, 'trade', entries)),
  reporting: deferredWrite((tx, entries: readonly AuditEntry[]) => insertAudit(tx, 'reporting', entries)),
};

/** Appends one row to `<schema>.audit` (the database refuses UPDATE and DELETE on it). */
export function recordAudit(tx: SqlClient, schema: ServiceSchema, entry: AuditEntry): Promise<void> {
  return inserts[schema](tx, entry);
}

async function insertAudit(tx: SqlClient, schema: ServiceSchema, entries: readonly AuditEntry[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO ${schema}.audit (actor, action, subject, request_id, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[])`,
    ...columns(entries, [(e) => e.actor, (e) => e.action, (e) => e.subject ?? null, (e) => e.requestId ?? null, (e) => e.at]),
  );
}

import pg from 'pg';

/*
 * Least privilege in PostgreSQL. The migration role (whoever runs `prisma migrate deploy`: `postgres` here,
 * POSTGRES_USER under docker-compose) owns every schema, table and trigger. Each service connects as a runtime role of
 * its own, which is no superuser, owns nothing, and may only use its own schema with the statements it needs:
 *
 * - SELECT, INSERT, UPDATE, DELETE on its schema's tables and their sequences (the inbox, the outbox, its state);
 * - the append-only tables (Payment's ledger, every audit trail): SELECT and INSERT only, so neither an UPDATE nor a
 *   DELETE reaches the append-only trigger, and no runtime role may disable it (only the owner may);
 * - TRUNCATE only where a service needs it: Payment and Trade on their outbox's two partitions, which they rotate
 *   (outbox.ts), and Reporting on its projections, which it rebuilds from its event store.
 *
 * Roles are the cluster's; their grants are each database's, so provisioning runs once per database, after its
 * migrations, and again after every later migration (the grants cover the tables that exist when it runs). A database
 * may hold every service's schema (the default) or one service's only (PAYMENT_DATABASE_URL, …): a role is granted its
 * schema where the schema is, and CONNECT there; the gateway (no schema; its health probe) may connect to each.
 */
/** `truncate`: the tables of its schema the role may TRUNCATE, or 'all' of them but the append-only ones. */
export type DatabaseRole = { role: string; schema: string | undefined; appendOnly: readonly string[]; truncate: readonly string[] | 'all' };

const OUTBOX_PARTITIONS = ['outbox_0', 'outbox_1'];

export const databaseRoles = {
  gateway: { role: 'trading_gateway', schema: undefined, appendOnly: [], truncate: [] },
  payment: { role: 'trading_payment', schema: 'payment', appendOnly: ['ledger', 'audit'], truncate: OUTBOX_PARTITIONS },
  trade: { role: 'trading_trade', schema: 'trade', appendOnly: ['audit'], truncate: OUTBOX_PARTITIONS },
  reporting: { role: 'trading_reporting', schema: 'reporting', appendOnly: ['audit'], truncate: 'all' },
  market: { role: 'trading_market', schema: 'market', appendOnly: [], truncate: [] },
} as const satisfies Record<string, DatabaseRole>;

export type DatabaseService = keyof typeof databaseRoles;

/** A service's password, if the database asks for one (DB_PASSWORD_<SERVICE>); none with local trust auth. */
export type DatabasePasswords = Partial<Record<DatabaseService, string>>;

export function databasePasswordsFrom(env: Record<string, string | undefined>): DatabasePasswords {
  return Object.fromEntries(
    Object.keys(databaseRoles)
      .map((service) => [service, env[`DB_PASSWORD_${service.toUpperCase()}`]])
      .filter(([, password]) => password),
  );
}

/** The database URL a service connects with: the same database, as the service's runtime role. */
export function serviceDatabaseUrl(url: string, service: DatabaseService, passwords: DatabasePasswords = {}): string {
  const parsed = new URL(url);
  parsed.username = databaseRoles[service].role;
  parsed.password = passwords[service] ?? '';
  return parsed.toString();
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Creates the runtime roles (if missing) and grants each exactly its rights on the database `adminUrl` names, as the
 * migration role. Idempotent, and safe while another run provisions another database of the same cluster.
 */
export async function provisionDatabaseRoles(adminUrl: string, passwords: DatabasePasswords = {}): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    const present = new Set((await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace')).rows.map((r) => r.nspname));
    for (const [service, { role, schema, appendOnly, truncate }] of Object.entries(databaseRoles) as [DatabaseService, DatabaseRole][]) {
      await ensureRole(client, role, passwords[service]);
      if (schema && !present.has(schema)) continue;
      await client.query(`GRANT CONNECT ON DATABASE ${quote(database)} TO ${quote(role)}`);
      if (!schema) continue;
      const s = quote(schema);
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${quote(role)}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE${truncate === 'all' ? ', TRUNCATE' : ''} ON ALL TABLES IN SCHEMA ${s} TO ${quote(role)}`);
      if (truncate !== 'all') for (const table of truncate) await client.query(`GRANT TRUNCATE ON ${s}.${quote(table)} TO ${quote(role)}`);
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${quote(role)}`);
      for (const table of appendOnly) await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${s}.${quote(table)} FROM ${quote(role)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Creates the runtime roles that are missing from the cluster `adminUrl` is on, as provisionDatabaseRoles does, and
 * grants nothing: for a restore (`pnpm restore`), whose dump grants them their schemas before a database exists to
 * provision. Idempotent.
 */
export async function ensureDatabaseRoles(adminUrl: string, passwords: DatabasePasswords = {}): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const [service, { role }] of Object.entries(databaseRoles) as [DatabaseService, DatabaseRole][]) await ensureRole(client, role, passwords[service]);
  } finally {
    await client.end();
  }
}

const ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';

/**
 * A login role with no privilege of its own, and its password when one is given. Roles are the whole cluster's, so
 * another run may be creating or altering the same one: it is only changed when it differs, and a clash is retried.
 */
async function ensureRole(client: pg.Client, role: string, password: string | undefined): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [found] = (
        await client.query<{ ok: boolean }>(
          'SELECT rolcanlogin AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) AS ok FROM pg_roles WHERE rolname = $1',
          [role],
        )
      ).rows;
      if (!found) await client.query(`CREATE ROLE ${quote(role)} ${ATTRIBUTES}`);
      else if (!found.ok) await client.query(`ALTER ROLE ${quote(role)} ${ATTRIBUTES}`);
      if (password) await client.query(`ALTER ROLE ${quote(role)} PASSWORD ${literal(password)}`);
      return;
    } catch (err) {
      // 42710 duplicate_object, 23505 unique_violation: created meanwhile; XX000: "tuple concurrently updated".
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || !['42710', '23505', 'XX000'].includes(code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';

const ROOT = new URL('../../../../', import.meta.url).pathname;

export type ToolRun = { code: number | null; stdout: string; stderr: string };

/** Runs `pnpm backup …` or `pnpm restore …` as an operator does (the scripts' own file, through tsx) with DATABASE_URL. */
export async function backupTool(args: readonly string[], databaseUrl: string): Promise<ToolRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/ops/src/backup/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** One query's rows, on its own connection. */
export async function query<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export type Totals = { sagas: number; sagasCompleted: number; ledgerRows: number; trades: number; accounts: number };

/** What a database holds, counted in one statement (one snapshot). */
export async function totals(url: string): Promise<Totals> {
  const [row] = await query<Totals>(
    url,
    `SELECT (SELECT count(*) FROM trade.saga)::int AS sagas,
            (SELECT count(*) FROM trade.saga WHERE state = 'COMPLETED')::int AS "sagasCompleted",
            (SELECT count(*) FROM payment.ledger)::int AS "ledgerRows",
            (SELECT count(*) FROM trade.trade)::int AS trades,
            (SELECT count(*) FROM payment.account)::int AS accounts`,
  );
  return row!;
}

/** Every privilege the services' runtime roles (trading_*) hold on a database: on it, its schemas, tables and sequences. */
export async function servicePrivileges(url: string): Promise<string[]> {
  const rows = await query<{ grant: string }>(
    url,
    `WITH granted AS (
       SELECT 'on ' || n.nspname || '.' || c.relname AS object, a.grantee, a.privilege_type
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a
       UNION ALL
       SELECT 'on schema ' || n.nspname, a.grantee, a.privilege_type FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a)
     SELECT r.rolname || ' ' || g.privilege_type || ' ' || g.object AS grant FROM granted g JOIN pg_roles r ON r.oid = g.grantee
     WHERE r.rolname LIKE 'trading\\_%'
     UNION ALL
     SELECT rolname || ' CONNECT on the database' FROM pg_roles
     WHERE rolname LIKE 'trading\\_%' AND has_database_privilege(rolname, current_database(), 'CONNECT')
     ORDER BY 1`,
  );
  return rows.map((r) => r.grant);
}

import { runTool } from './runTool.ts';

/** What a dump holds: its tables per schema, schemas in name order. */
export type DumpContents = { schema: string; tables: number }[];

/** A table's line in `pg_restore --list`: `218; 1259 17352 TABLE public _prisma_migrations postgres`. */
const TABLE_ENTRY = /^\d+; \d+ \d+ TABLE (\S+) \S+ \S+$/;

/** Reads a custom-format dump's table of contents (which also proves the file is one). */
export async function listTables(file: string): Promise<DumpContents> {
  const { stdout } = await runTool('pg_restore', ['--list', file]);
  const tables = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const schema = TABLE_ENTRY.exec(line)?.[1];
    if (schema) tables.set(schema, (tables.get(schema) ?? 0) + 1);
  }
  return [...tables].sort(([a], [b]) => a.localeCompare(b)).map(([schema, count]) => ({ schema, tables: count }));
}

export const describeContents = (contents: DumpContents): string =>
  contents.map(({ schema, tables }) => `${schema} (${tables} table${tables === 1 ? '' : 's'})`).join(', ');

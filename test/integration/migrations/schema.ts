import type Database from 'better-sqlite3';

/** One row of sqlite_master without its page number: the schema as SQLite keeps it. */
export interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** The schema of a register, object by object. */
export function schemaRows(db: Database.Database): SchemaRow[] {
  return db.prepare<[], SchemaRow>('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
}

const key = (r: SchemaRow): string => `${r.type} ${r.name}`;
const label = (r: SchemaRow): string => `${r.type} ${r.name}${r.tbl_name !== r.name ? ` on ${r.tbl_name}` : ''}`;
const body = (r: SchemaRow): string => (r.sql === null ? '-- (made by SQLite itself)' : `${r.sql};`);

/**
 * What a step did to the schema, as text: every object it added, removed or changed, with the SQL SQLite keeps
 * for it, then the schema version. Objects dropped and made again with the same SQL do not show.
 */
export function schemaChange(before: readonly SchemaRow[], after: readonly SchemaRow[], version: number): string {
  const was = new Map(before.map((r) => [key(r), r]));
  const is = new Map(after.map((r) => [key(r), r]));
  const out: string[] = [];
  const names = [...new Set([...was.keys(), ...is.keys()])].sort();
  for (const k of names) {
    const a = was.get(k);
    const b = is.get(k);
    if (a && !b) out.push(`-- removed ${label(a)}`);
    else if (!a && b) out.push(`-- added ${label(b)}\n${body(b)}`);
    else if (a && b && (a.sql !== b.sql || a.tbl_name !== b.tbl_name)) out.push(`-- changed ${label(b)}\n${body(b)}`);
  }
  out.push(`-- user_version ${version}`);
  return `${out.join('\n\n')}\n`;
}

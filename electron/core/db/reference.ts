import Database from 'better-sqlite3';
import { migrations } from './migrations';

/** Triggers or views by name, with the SQL that created them. */
export type SchemaObjects = ReadonlyMap<string, string>;

/** What a healthy register file holds: its tables, triggers and views at each schema version. */
export interface SchemaReference {
  /** Index v: the tables a register at schema version v has (0: none). */
  tablesAt: ReadonlySet<string>[];
  /** The triggers of the latest schema, by name, with the SQL that created them. */
  triggers: SchemaObjects;
  /** Index v: the triggers a register at schema version v has, by name, with their SQL. */
  triggersAt: SchemaObjects[];
  /** Index v: the views a register at schema version v has (none so far), by name, with their SQL. */
  viewsAt: SchemaObjects[];
}

let reference: SchemaReference | undefined;

/** The schema objects of a register file that can be compared with the reference, read from sqlite_master once. */
export interface FileSchema {
  tables: Set<string>;
  /** Triggers and views by name: the SQL that created each and the table it is on (a view: the first table it reads). */
  triggers: Map<string, { sql: string; table: string }>;
  views: Map<string, { sql: string; table: string }>;
}

// Every object but indexes, with the SQL of triggers and views only (a table's is long and not compared).
const SCHEMA = "SELECT type, name, tbl_name, CASE type WHEN 'table' THEN NULL ELSE sql END FROM sqlite_master WHERE type <> 'index'";

/** A view's first table, as far as its SQL says (for naming it only). */
function viewTable(sql: string): string {
  return /\bFROM\s+["`[]?([\w.]+)/i.exec(sql)?.[1] ?? '?';
}

/** The tables, triggers and views of a database: one read of sqlite_master. */
export function schemaOf(db: Database.Database): FileSchema {
  const out: FileSchema = { tables: new Set(), triggers: new Map(), views: new Map() };
  for (const [type, name, table, sql] of db.prepare<[], [string, string, string, string | null]>(SCHEMA).raw().all()) {
    if (type === 'table') {
      if (!name.startsWith('sqlite_')) out.tables.add(name);
    } else if (type === 'trigger') out.triggers.set(name, { sql: sql ?? '', table });
    else if (type === 'view') out.views.set(name, { sql: sql ?? '', table: viewTable(sql ?? '') });
  }
  return out;
}

/**
 * The reference, built once per process by applying every migration to an empty in-memory database (a few
 * milliseconds): it stays right whatever later migrations add, and needs no list kept by hand.
 */
export function schemaReference(): SchemaReference {
  if (reference) return reference;
  const db = new Database(':memory:');
  try {
    const objects = () => {
      const s = schemaOf(db);
      const sqlOf = (m: FileSchema['triggers']): SchemaObjects => new Map([...m].map(([name, o]) => [name, o.sql]));
      return { tables: s.tables, triggers: sqlOf(s.triggers), views: sqlOf(s.views) };
    };
    const first = objects();
    const tablesAt: ReadonlySet<string>[] = [first.tables];
    const triggersAt: SchemaObjects[] = [first.triggers];
    const viewsAt: SchemaObjects[] = [first.views];
    db.pragma('foreign_keys = OFF');
    for (const m of migrations) {
      db.transaction(() => m.up(db))();
      const at = objects();
      tablesAt.push(at.tables);
      triggersAt.push(at.triggers);
      viewsAt.push(at.views);
    }
    const triggers = new Map([...triggersAt[triggersAt.length - 1]!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    reference = { tablesAt, triggers, triggersAt, viewsAt };
    return reference;
  } finally {
    db.close();
  }
}

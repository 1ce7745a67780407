import Database from 'better-sqlite3';
import { migrations } from './migrations';

/** Triggers, views or indexes by name, with the SQL that created them. */
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
  /** Index v: the indexes a register at schema version v has (those made by CREATE INDEX), by name, with their SQL. */
  indexesAt: SchemaObjects[];
}

let reference: SchemaReference | undefined;

/** The schema objects of a register file that can be compared with the reference, read from sqlite_master once. */
export interface FileSchema {
  tables: Set<string>;
  /** Triggers and views by name: the SQL that created each and the table it is on (a view: the first table it reads). */
  triggers: Map<string, { sql: string; table: string }>;
  views: Map<string, { sql: string; table: string }>;
  /** Indexes made by CREATE INDEX (not a table's own constraints), by name: their SQL and table. */
  indexes: Map<string, { sql: string; table: string }>;
}

// Every object but a table's own indexes (its constraints), with the SQL of all but tables (a table's is long and not compared).
const SCHEMA =
  "SELECT type, name, tbl_name, CASE type WHEN 'table' THEN NULL ELSE sql END FROM sqlite_master WHERE type <> 'index' OR sql IS NOT NULL";

/** A view's first table, as far as its SQL says (for naming it only). */
function viewTable(sql: string): string {
  return /\bFROM\s+["`[]?([\w.]+)/i.exec(sql)?.[1] ?? '?';
}

/** The tables, triggers and views of a database: one read of sqlite_master. */
export function schemaOf(db: Database.Database): FileSchema {
  const out: FileSchema = { tables: new Set(), triggers: new Map(), views: new Map(), indexes: new Map() };
  for (const [type, name, table, sql] of db.prepare<[], [string, string, string, string | null]>(SCHEMA).raw().all()) {
    if (type === 'table') {
      if (!name.startsWith('sqlite_')) out.tables.add(name);
    } else if (type === 'trigger') out.triggers.set(name, { sql: sql ?? '', table });
    else if (type === 'view') out.views.set(name, { sql: sql ?? '', table: viewTable(sql ?? '') });
    else if (type === 'index') out.indexes.set(name, { sql: sql ?? '', table });
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
      return { tables: s.tables, triggers: sqlOf(s.triggers), views: sqlOf(s.views), indexes: sqlOf(s.indexes) };
    };
    const first = objects();
    const tablesAt: ReadonlySet<string>[] = [first.tables];
    const triggersAt: SchemaObjects[] = [first.triggers];
    const viewsAt: SchemaObjects[] = [first.views];
    const indexesAt: SchemaObjects[] = [first.indexes];
    db.pragma('foreign_keys = OFF');
    for (const m of migrations) {
      db.transaction(() => m.up(db))();
      const at = objects();
      tablesAt.push(at.tables);
      triggersAt.push(at.triggers);
      viewsAt.push(at.views);
      indexesAt.push(at.indexes);
    }
    const triggers = new Map([...triggersAt[triggersAt.length - 1]!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    reference = { tablesAt, triggers, triggersAt, viewsAt, indexesAt };
    return reference;
  } finally {
    db.close();
  }
}

/**
 * A UNIQUE index Optin Desk does not make under that name (at any of `versions`): added outside it, it can make a write
 * fail (an opt-out refused) or be dropped without a word (INSERT OR IGNORE). Another index is only a way to read faster
 * and changes no answer, so it is left alone.
 */
export function isForeignUniqueIndex(name: string, sql: string, versions: readonly SchemaObjects[]): boolean {
  return /^\s*CREATE\s+UNIQUE\b/i.test(sql) && !versions.some((v) => v.get(name) === sql);
}

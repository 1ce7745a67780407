import Database from 'better-sqlite3';
import { migrations } from './migrations';

/** What a healthy register file holds: its tables at each schema version, and its triggers at the latest one. */
export interface SchemaReference {
  /** Index v: the tables a register at schema version v has (0: none). */
  tablesAt: ReadonlySet<string>[];
  /** The triggers of the latest schema, by name, with the SQL that created them. */
  triggers: ReadonlyMap<string, string>;
}

let reference: SchemaReference | undefined;

const TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";

/**
 * The reference, built once per process by applying every migration to an empty in-memory database (a few
 * milliseconds): it stays right whatever later migrations add, and needs no list kept by hand.
 */
export function schemaReference(): SchemaReference {
  if (reference) return reference;
  const db = new Database(':memory:');
  try {
    const tables = () =>
      new Set(
        db
          .prepare<[], [string]>(TABLES)
          .raw()
          .all()
          .map(([n]) => n),
      );
    const tablesAt = [tables()];
    db.pragma('foreign_keys = OFF');
    for (const m of migrations) {
      db.transaction(() => m.up(db))();
      tablesAt.push(tables());
    }
    const triggers = new Map(
      db.prepare<[], [string, string]>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").raw().all(),
    );
    reference = { tablesAt, triggers };
    return reference;
  } finally {
    db.close();
  }
}

/** The tables of a register file. */
export function tablesOf(db: Database.Database): Set<string> {
  return new Set(
    db
      .prepare<[], [string]>(TABLES)
      .raw()
      .all()
      .map(([n]) => n),
  );
}

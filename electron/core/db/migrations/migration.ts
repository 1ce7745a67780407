import type Database from 'better-sqlite3';

/** The connection a migration works on: the register, inside the transaction of its step. */
export type MigrationDb = Database.Database;

/**
 * One numbered step of the register's schema. `up` takes the register from `version - 1` to `version`: it may run
 * SQL and read and rewrite rows (a value moved to a new column, a JSON field renamed, a row split in two). It runs
 * inside one transaction that also sets the schema version, so the step happens whole or not at all; it must be
 * synchronous (better-sqlite3 is) and must not begin or end transactions of its own (a nested `db.transaction` is a
 * savepoint and is fine). A landed step must do the same on every register that ever reaches it: keep its SQL and
 * row changes inside it, and import no repo or service (they follow the latest schema, and change with it).
 */
export interface Migration {
  /** The schema version this step produces: its place in the list plus one. */
  readonly version: number;
  /** `NNNN_words`, the file it lives in. */
  readonly name: string;
  /**
   * For a step that rebuilds a table other tables reference (SQLite's documented procedure: foreign keys off
   * around the step, `PRAGMA foreign_key_check` before it commits, so it still cannot leave a broken reference).
   */
  readonly foreignKeysOff?: boolean;
  up(db: MigrationDb): void;
}

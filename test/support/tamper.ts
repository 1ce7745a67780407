import Database from 'better-sqlite3';

/** An edit made with SQL: statements, or a function given the connection. */
export type Edit = string | ((db: Database.Database) => void);

/**
 * Edit a register as someone with SQLite would: every trigger (the register's safeguards) dropped for the edit and put
 * back after it as it was — or left off (`putBack: false`, a safeguard someone removed). On an open connection.
 */
export function withGuardsOff(db: Database.Database, edit: Edit, options: { putBack?: boolean } = {}): void {
  const triggers = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all();
  for (const tr of triggers) db.exec(`DROP TRIGGER "${tr.name}"`);
  if (typeof edit === 'string') db.exec(edit);
  else edit(db);
  if (options.putBack !== false) for (const tr of triggers) db.exec(tr.sql);
}

/** {@link withGuardsOff} on a closed register file, with foreign keys off (the register is not open in any process). */
export function tamperFile(dbPath: string, edit: Edit, options: { putBack?: boolean } = {}): void {
  const db = new Database(dbPath);
  try {
    db.pragma('foreign_keys = OFF');
    withGuardsOff(db, edit, options);
  } finally {
    db.close();
  }
}

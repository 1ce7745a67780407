import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';

/** SQL for the key/value settings table (values stored as JSON). */
export class SettingsRepo {
  private readonly allStmt: Statement<[], { key: string; value: string }>;
  private readonly setStmt: Statement<[string, string]>;
  /** Writes by this connection; a write inside a transaction is not cached until the transaction ends (it may roll back). */
  private writes = 0;
  private writeInTransaction = false;
  private cached: { token: string; values: Record<string, unknown> } | null = null;
  private dataVersionStmt: Statement<[], number> | undefined;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare('SELECT key, value FROM settings');
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  /**
   * A token that changes whenever the settings may have changed: a write by this connection, or any commit by
   * another connection (SQLite's data_version); null while this connection's own write is not yet committed.
   */
  version(): string | null {
    if (this.writeInTransaction) {
      if (this.db.inTransaction) return null;
      this.writeInTransaction = false;
    }
    // A kept statement: db.pragma() prepares one at every call, and this is asked before every hand-off.
    return `${(this.dataVersionStmt ??= this.db.prepare<[], number>('PRAGMA data_version').pluck()).get() as number}:${this.writes}`;
  }

  /** Every setting, parsed; read again only when {@link version} changed (the sender asks before each hand-off). */
  all(): Record<string, unknown> {
    const token = this.version();
    if (token !== null && this.cached?.token === token) return { ...this.cached.values };
    const out: Record<string, unknown> = {};
    for (const r of this.allStmt.all()) out[r.key] = JSON.parse(r.value);
    if (token !== null) this.cached = { token, values: out };
    return { ...out };
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value));
    this.writes++;
    this.cached = null;
    if (this.db.inTransaction) this.writeInTransaction = true;
  }
}

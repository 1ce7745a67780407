import type { Statement } from 'better-sqlite3';
import { damaged, type Db } from '../open';
import { Settings } from '../../../../shared/contract/settings';
import { isTimeZone } from '../../../../shared/domain/time/zones';

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
    for (const r of this.allStmt.all()) out[r.key] = this.parse(r.key, r.value);
    if (token !== null) this.cached = { token, values: out };
    return { ...out };
  }

  /**
   * One stored value, checked against the shape the settings have: the app writes only values its checks let through,
   * so one that is not JSON, a rules pack it does not know, overrides of another shape or an unknown time zone were
   * written outside it. Read as they are they would fail deep inside every call (an internal error) or, read as a
   * default, loosen the rules; the register is refused instead, naming the setting and saying to restore a backup.
   */
  private parse(key: string, text: string): unknown {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw damaged(this.db.name, 'register.settingNotJson', { key, value: text.slice(0, 60) });
    }
    const shape = SHAPES[key];
    const fits = shape ? shape.safeParse(value).success : true;
    if (!fits || (key === 'timezone' && !(typeof value === 'string' && isTimeZone(value))))
      throw damaged(this.db.name, 'register.settingInvalid', { key, value: text.slice(0, 60) });
    return value;
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value));
    this.writes++;
    this.cached = null;
    if (this.db.inTransaction) this.writeInTransaction = true;
  }
}

/** The stored settings' shapes: those of the contract's settings (the effective policy is computed, never stored). */
const { effectivePolicy: _computed, ...stored } = Settings.shape;
const SHAPES: Partial<Record<string, (typeof stored)[keyof typeof stored]>> = stored;

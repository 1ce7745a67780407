import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import { migrations } from './migrations';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** Open (creating if needed) the register at `path`, apply pending migrations, refuse a newer schema. */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache: the register's indexes stay warm on a shop PC without crowding it.
    db.pragma('cache_size = -65536');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The highest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = migrations.length;

/** Apply every pending migration, each in its own transaction; refuse a database newer than this build. */
export function migrate(db: Db, target = LATEST_SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new AppError(
      'SCHEMA_TOO_NEW',
      `this register was written by a newer Optin Desk (schema ${current}, this version knows up to ${LATEST_SCHEMA_VERSION}); update the app — it will not be downgraded`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    // Foreign keys can only be switched outside a transaction; the check inside keeps the step all-or-nothing.
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${m.name} would break ${broken.length} foreign key reference(s)`);
        }
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (m.foreignKeysOff) db.pragma('foreign_keys = ON');
    }
  }
  return db.pragma('user_version', { simple: true }) as number;
}

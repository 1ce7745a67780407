import { AppError } from '../../../../shared/contract/errors';
import { m0001 } from './0001_init';
import { m0002 } from './0002_inbound';
import { m0003 } from './0003_imports';
import { m0004 } from './0004_sheets';
import { m0005 } from './0005_batches';
import { m0006 } from './0006_outbox';
import { m0007 } from './0007_integrity';
import { m0008 } from './0008_register_id';
import { m0009 } from './0009_paper_rows';
import { m0010 } from './0010_contact_search';
import { m0011 } from './0011_provider_sync';
import { m0012 } from './0012_contact_links';
import { m0013 } from './0013_segments';
import { m0014 } from './0014_provider_signals';
import { m0015 } from './0015_changed_at_by_repo';
import { m0016 } from './0016_listed_status';
import { m0017 } from './0017_revocations_by_time';
import { m0018 } from './0018_quality_limit_code';
import { m0019 } from './0019_sync_not_from_number';
import { m0020 } from './0020_complaints_and_links_kept';
import { m0021 } from './0021_other_phones_index';
import { m0022 } from './0022_projection_fold';
import { m0023 } from './0023_handoff_kept';
import { m0024 } from './0024_gate_seen';
import type { Migration, MigrationDb } from './migration';

export type { Migration, MigrationDb } from './migration';

/*
 * How to add a migration (schema version N)
 *
 * 1. Write `NNNN_words.ts` here exporting `mNNNN: Migration` = { version: N, name: 'NNNN_words', up(db) { … } }, and
 *    add it at the end of `migrations` below. `up` runs the step's SQL (`db.exec`) and any change to the rows the
 *    new shape needs (prepared statements over the existing rows, in the same transaction). It is synchronous and
 *    opens no transaction of its own. Set `foreignKeysOff` only to rebuild a table others reference. Never edit a
 *    migration that has landed: registers out there are past it. A new register runs every step from 1, so `up`
 *    must work on an empty register too.
 * 2. Run `npx vitest run test/integration/migrations/schema.test.ts` once: it writes
 *    test/integration/migrations/schema/NNNN_words.sql, what the step does to sqlite_master. Read it and commit it;
 *    from then on any change to the step's effect fails that test.
 * 3. In test/integration/migrations/history.ts, add what a register at version N holds to `ERAS` (rows written with
 *    SQL the way the app at version N writes them, not through today's repos, which follow the latest schema).
 * 4. Write test/integration/migrations/NNNN_words.test.ts: `registerAt(N - 1)` gives a register that lived through
 *    every earlier version with data (Cyrillic names, hash-chained events, imports, sheets, campaigns…); take
 *    `snapshot(db)`, `migrate(db, N)`, then check that the rows survived (`expectKept`), what the step transformed,
 *    the constraints and triggers it now enforces, and `expectHealthy(db)` (integrity_check, foreign_key_check, both
 *    hash chains). upgrade.test.ts carries a version-1 register through every step, N included, to an intact
 *    `audit verify`. Keep each test well under a second: a few dozen rows show what a million would.
 */

/** Every migration in order; index + 1 is the schema version it produces. Never edit one that has landed. */
export const migrations: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
  m0011,
  m0012,
  m0013,
  m0014,
  m0015,
  m0016,
  m0017,
  m0018,
  m0019,
  m0020,
  m0021,
  m0022,
  m0023,
  m0024,
];

/** A migration failed: it was rolled back whole, and the register is still at the version before it. */
export class MigrationError extends Error {
  /** The failure's SQLite code, if it had one (a damaged file is still named as damaged by the caller). */
  readonly code: string | undefined;
  constructor(
    readonly migration: string,
    /** The schema version the register is still at. */
    readonly version: number,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`migration ${migration} failed and was undone; the register is still at schema version ${version}: ${why}`, { cause });
    this.name = 'MigrationError';
    this.code = (cause as { code?: unknown } | null)?.code === undefined ? undefined : String((cause as { code: unknown }).code);
  }
}

/** The list's versions are 1, 2, 3… with names to match, or nothing runs. */
function checkList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1 || !m.name.startsWith(`${String(m.version).padStart(4, '0')}_`))
      throw new Error(`migration list out of order: place ${i + 1} holds ${m.name} (version ${m.version})`);
  });
}

/** Run one step in its own transaction, with the schema version set inside it. */
function applyOne(db: MigrationDb, m: Migration): void {
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  // Foreign keys can only be switched outside a transaction; the check inside keeps the step all-or-nothing.
  if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      const result: unknown = m.up(db);
      if (result instanceof Promise) {
        result.catch(() => undefined);
        throw new Error('its up() returned a promise: a migration is synchronous, inside one transaction');
      }
      if (m.foreignKeysOff) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`it would break ${broken.length} foreign key reference(s)`);
      }
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new MigrationError(m.name, m.version - 1, err);
  } finally {
    if (m.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}

/**
 * Take `db` from its schema version (`PRAGMA user_version`) up to `target` with the steps of `list`, each in its own
 * transaction: a step that fails leaves the register at the version before it ({@link MigrationError}). Returns the
 * version reached. It does not refuse a register newer than the list: `migrate` in db/open.ts does.
 */
export function applyMigrations(db: MigrationDb, list: readonly Migration[] = migrations, target = list.length): number {
  checkList(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of list) if (m.version > current && m.version <= target) applyOne(db, m);
  return db.pragma('user_version', { simple: true }) as number;
}

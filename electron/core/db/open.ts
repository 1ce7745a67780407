import Database from 'better-sqlite3';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { AppError, type MessageKey, type MessageParams } from '../../../shared/contract/errors';
import { applyMigrations, MigrationError, migrations } from './migrations';
import { STATEMENT_BUSY_MS } from './busy';
import { isForeignUniqueIndex, schemaOf, schemaReference, type FileSchema } from './reference';
import { registerTrace } from './traces';
import { readWitness, witnessPathFor, type WitnessRead } from '../register/witness';
import { UnknownEventValue } from '../../../shared/domain/consent/fold';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/**
 * Called before the migrations of an existing register (not a new one) run, with the connection open on the file as it
 * is (schema `from`): the backend keeps a backup there (backups/backups.ts). Throwing leaves the file unmigrated and
 * refuses to open it.
 */
export type BeforeMigrate = (db: Db, from: number, to: number) => void;

/** How to open the register. */
export interface OpenOptions {
  /**
   * Open read-only. Such a connection writes nothing, so no trigger fires through it: it also opens a register holding
   * a trigger or view Optin Desk did not make (refused for use), so that audit verify can name what is there.
   */
  readonly?: boolean;
  beforeMigrate?: BeforeMigrate;
}

/**
 * The register file cannot be used as it is: name it, say what is wrong and what to do (the key's sentence says both).
 * Exported for the repositories, which meet values the app never writes (edited outside it) only when they read them.
 */
export function damaged(path: string, key: MessageKey, params: MessageParams = {}): AppError {
  return new AppError('REGISTER_DAMAGED', key, { path, ...params }, { path });
}

/**
 * Open the register at `path`, apply pending migrations, refuse a newer schema. A path that does not exist yet
 * is a first run: a new register is built beside it and moved into place whole. A file that exists but is not
 * the register it was — empty, truncated, not SQLite, a folder, older than its witness, lacking a table, emptied while
 * its witness, journal or backups show a register was there — is refused with an error that names it ({@link AppError}
 * `REGISTER_DAMAGED`); it is never set up as a new register. A register holding a trigger or view Optin Desk did not
 * make (one that can swallow the projection's record of an opt-out) is refused too, unless opened read-only.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path === ':memory:') return connect(path, options.readonly ?? false, null);
  const witness = readWitness(witnessPathFor(path));
  let stats = statOrNull(path);
  if (!stats) {
    if (witness.state !== 'absent') {
      const w = witnessPathFor(path);
      throw witness.state === 'ok'
        ? damaged(path, 'register.goneWithWitness', { witness: w, event: witness.value.events.lastId, audit: witness.value.audit.lastId })
        : damaged(path, 'register.goneWitnessExists', { witness: w });
    }
    if (!options.readonly) createRegister(path);
    stats = statOrNull(path);
  }
  if (stats) checkFile(path, stats);
  return connect(path, options.readonly ?? false, witness, options.beforeMigrate);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw damaged(path, 'register.unreadable', { reason: (err as NodeJS.ErrnoException).code ?? 'error' });
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER = 100;

/** What the file itself says before SQLite reads it: a folder, empty, not SQLite, or shorter than its header records. */
function checkFile(path: string, stats: Stats): void {
  if (stats.isDirectory()) throw damaged(path, 'register.isFolder');
  if (!stats.isFile()) throw damaged(path, 'register.notAFile');
  if (stats.size === 0) throw damaged(path, 'register.empty');
  const header = Buffer.alloc(HEADER);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER, 0);
  } finally {
    closeSync(fd);
  }
  const start = header.subarray(0, Math.min(read, MAGIC.length));
  if (!start.equals(MAGIC.subarray(0, start.length))) throw damaged(path, 'register.notSqlite');
  if (read < HEADER) throw damaged(path, 'register.truncatedHeader', { bytes: read });
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw damaged(path, 'register.badHeader');
  const pages = header.readUInt32BE(28);
  // The page count in the header is valid only when the change counter and the version-valid-for number agree.
  const countValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  if ((countValid && stats.size < pages * pageSize) || stats.size % pageSize !== 0)
    throw countValid
      ? damaged(path, 'register.truncatedPages', { bytes: stats.size, expected: pages * pageSize })
      : damaged(path, 'register.partialPage', { bytes: stats.size });
}

/** Build a new register beside `path` and move it into place whole, so no half-made file is ever left at the path. */
function createRegister(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const db = connect(tmp, false, null);
    db.close();
    try {
      // A link never replaces a register another process created meanwhile.
      linkSync(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // File systems without hard links (FAT, exFAT).
        if (!existsSync(path)) renameSync(tmp, path);
      }
    }
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * Set the connection's page cache to `kib` KiB for a while; returns what puts the usual size back. A long write
 * transaction (an import) keeps every page it dirties in the cache until it runs out, then spills them to the WAL:
 * a smaller cache bounds its memory at no cost in time (the import bench measures both).
 */
export function limitPageCache(db: Db, kib: number): () => void {
  const was = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${-Math.max(1024, Math.floor(kib))}`);
  return () => {
    db.pragma(`cache_size = ${was}`);
  };
}

function connect(path: string, readonly: boolean, witness: WitnessRead | null, beforeMigrate?: BeforeMigrate): Db {
  const db = new Database(path, { readonly });
  // The schema version the file had when opened (0: a new register).
  let from = 0;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Durable commits (issue #15 §3): in WAL, NORMAL syncs only at checkpoints, so a power cut can lose the last
    // commits — an opt-out or a "sent" mark the person was already told about. FULL syncs the WAL at every commit:
    // one fsync per write transaction (consent, outbox, imports alike; an import is one commit). Its cost is printed
    // by test/bench/register.bench.ts beside NORMAL's.
    db.pragma('synchronous = FULL');
    // Opening (and migrating) may wait for another process's short write; afterwards a statement waits only
    // briefly and a turn at the register waits without blocking (see RegisterLock, db/busy.ts).
    db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache: the register's indexes stay warm on a shop PC without crowding it.
    db.pragma('cache_size = -65536');
    if (path !== ':memory:' && witness) checkStructure(db, path, witness, readonly);
    // A pending migration on an existing register: keep a backup of the file as it is first (a new one has nothing to keep).
    from = db.pragma('user_version', { simple: true }) as number;
    if (beforeMigrate && !readonly && from > 0 && from < LATEST_SCHEMA_VERSION) beforeMigrate(db, from, LATEST_SCHEMA_VERSION);
    migrate(db);
    db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (err instanceof AppError && code === 'SCHEMA_TOO_NEW' && path !== ':memory:')
      throw new AppError('SCHEMA_TOO_NEW', 'register.schemaTooNewAt', { ...err.params, path }, { path });
    const known = damageOf(err, path);
    if (known) throw known;
    // A migration that fails on a register already at a version of its own (a column it adds is there already, an
    // object it changes is not): the file is not what its version says — edited, or its version lowered.
    if (err instanceof MigrationError && from > 0 && path !== ':memory:')
      throw damaged(path, 'register.migrationFailed', { migration: err.migration, version: err.version, reason: err.message.replace(/^.*?: /, '') });
    throw err;
  }
}

/**
 * The register as damaged, named, for an SQLite error that says its file is (SQLITE_CORRUPT, SQLITE_NOTADB); null for
 * any other error. Asked at opening and of every call's failure, since damage may lie in a page only a later read meets.
 */
export function damageOf(err: unknown, path: string): AppError | null {
  // An event value the table's checks never allow, met by the fold: the file was edited with its checks off.
  if (err instanceof UnknownEventValue)
    return damaged(path, 'register.eventValueUnknown', { id: err.seq, column: err.column, value: err.value.slice(0, 60) });
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB') return damaged(path, 'register.notSqliteOpen');
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_INDEX' || code === 'SQLITE_CORRUPT_SEQUENCE' || code === 'SQLITE_CORRUPT_VTAB')
    return damaged(path, 'register.corrupt');
  return null;
}

/**
 * The tables the file's schema version promises are there, no later version's tables are, no trigger or view Optin Desk
 * did not make is (unless `readonly`), and it is not older than its witness saw. One read of sqlite_master.
 */
function checkStructure(db: Db, path: string, witness: WitnessRead, readonly: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) return; // migrate() refuses it with SCHEMA_TOO_NEW
  const ref = schemaReference();
  const schema = schemaOf(db);
  const present = schema.tables;
  if (version === 0) {
    if (present.size > 0) throw damaged(path, 'register.noVersion');
    // A file with no tables is a new register being set up, unless the witness beside it saw one here: then its
    // tables were dropped or the file was emptied, and it must not be set up again as a new, empty register.
    if (witness.state === 'ok' && (witness.value.events.lastId > 0 || witness.value.audit.lastId > 0))
      throw damaged(path, 'register.emptiedWithWitness', {
        witness: witnessPathFor(path),
        event: witness.value.events.lastId,
        audit: witness.value.audit.lastId,
      });
    if (witness.state === 'unreadable') throw damaged(path, 'register.emptiedWitnessExists', { witness: witnessPathFor(path) });
    // The witness gone too: the opt-out journal (made only once a register here opened) or a backup of it still shows one.
    const trace = registerTrace(path);
    if (trace?.kind === 'journal') throw damaged(path, 'register.emptiedJournalBeside', { journal: trace.path });
    if (trace?.kind === 'backup') throw damaged(path, 'register.emptiedBackupBeside', { backup: trace.path });
    return;
  }
  const expected = ref.tablesAt[version]!;
  const later = [...ref.tablesAt[LATEST_SCHEMA_VERSION]!].filter((t) => !expected.has(t) && present.has(t));
  if (later.length > 0) throw damaged(path, 'register.laterTables', { version, tables: later.slice(0, 3).join(', ') });
  const missing = [...expected].filter((t) => !present.has(t));
  if (missing.length > 0)
    throw damaged(path, 'register.missingTables', {
      version,
      count: missing.length,
      tables: `${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}`,
    });
  if (!readonly) checkObjects(path, schema, version);
  if (witness.state === 'ok' && witness.value.schemaVersion > version)
    throw damaged(path, 'register.olderThanWitness', { version, witness: witnessPathFor(path), witnessVersion: witness.value.schemaVersion });
}

/**
 * Refuse a register holding a trigger or view its schema version does not have, or one of its triggers with other SQL:
 * made outside Optin Desk, it can change or swallow what the register writes (a trigger that drops the projection's
 * record of an opt-out makes the gate read "granted"). Likewise a UNIQUE index Optin Desk does not make: it can refuse
 * an opt-out's write, or drop a row an INSERT OR IGNORE meets (isForeignUniqueIndex). A trigger Optin Desk made that is missing is left to audit
 * verify (schema_altered): the register's own writes are unchanged by it.
 */
function checkObjects(path: string, schema: FileSchema, version: number): void {
  const ref = schemaReference();
  const triggers = ref.triggersAt[version]!;
  const views = ref.viewsAt[version]!;
  const latest = ref.triggersAt[LATEST_SCHEMA_VERSION]!;
  const named = (found: [string, { table: string }][]) => ({
    count: found.length,
    objects: `${found
      .slice(0, 3)
      .map(([name, o]) => `${name} (${o.table})`)
      .join(', ')}${found.length > 3 ? '…' : ''}`,
  });
  // A later version's own trigger, as that version makes it, is no stranger: the file's version was lowered, and its
  // migration, meeting what is already there, refuses it by name (MigrationError).
  const added = [...schema.triggers].filter(([name, o]) => !triggers.has(name) && latest.get(name) !== o.sql);
  if (added.length > 0) throw damaged(path, 'register.foreignTrigger', named(added));
  const changed = [...schema.triggers].filter(([name, o]) => triggers.has(name) && triggers.get(name) !== o.sql);
  if (changed.length > 0) throw damaged(path, 'register.changedTrigger', named(changed));
  const foreignViews = [...schema.views].filter(([name, o]) => views.get(name) !== o.sql);
  if (foreignViews.length > 0) throw damaged(path, 'register.foreignView', named(foreignViews));
  const foreignIndexes = [...schema.indexes].filter(([name, o]) =>
    isForeignUniqueIndex(name, o.sql, [ref.indexesAt[version]!, ref.indexesAt[LATEST_SCHEMA_VERSION]!]),
  );
  if (foreignIndexes.length > 0) throw damaged(path, 'register.foreignIndex', named(foreignIndexes));
}

/** The highest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = migrations.length;

/**
 * Apply every pending migration (db/migrations: each a function, in its own transaction; a failed one leaves the
 * register at the version before it); refuse a database newer than this build.
 */
export function migrate(db: Db, target = LATEST_SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new AppError('SCHEMA_TOO_NEW', 'register.schemaTooNew', { version: current, latest: LATEST_SCHEMA_VERSION });
  }
  return applyMigrations(db, migrations, target);
}

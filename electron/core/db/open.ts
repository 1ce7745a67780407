import Database from 'better-sqlite3';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/contract/errors';
import { applyMigrations, migrations } from './migrations';
import { STATEMENT_BUSY_MS } from './busy';
import { schemaReference, tablesOf } from './reference';
import { readWitness, witnessPathFor, type WitnessRead } from '../register/witness';

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
  readonly?: boolean;
  beforeMigrate?: BeforeMigrate;
}

const RESTORE = 'restore a backup';

/** The register file cannot be used as it is: name it, say what is wrong and what to do. */
function damaged(path: string, what: string, advice = RESTORE): AppError {
  return new AppError('REGISTER_DAMAGED', `the register ${path} ${what}; ${advice}`, { path });
}

/**
 * Open the register at `path`, apply pending migrations, refuse a newer schema. A path that does not exist yet
 * is a first run: a new register is built beside it and moved into place whole. A file that exists but is not
 * the register it was — empty, truncated, not SQLite, a folder, older than its witness, lacking a table — is
 * refused with an error that names it ({@link AppError} `REGISTER_DAMAGED`); it is never set up as a new register.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path === ':memory:') return connect(path, options.readonly ?? false, null);
  const witness = readWitness(witnessPathFor(path));
  let stats = statOrNull(path);
  if (!stats) {
    if (witness.state !== 'absent') {
      const saw =
        witness.state === 'ok' ? ` saw it up to event ${witness.value.events.lastId} and audit row ${witness.value.audit.lastId}` : ' exists';
      throw damaged(
        path,
        `does not exist, but the witness ${witnessPathFor(path)}${saw}: it was moved or deleted`,
        `${RESTORE} (to start a new, empty register on purpose, delete ${witnessPathFor(path)} first)`,
      );
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
    throw damaged(
      path,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the file and its permissions, or restore a backup',
    );
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER = 100;

/** What the file itself says before SQLite reads it: a folder, empty, not SQLite, or shorter than its header records. */
function checkFile(path: string, stats: Stats): void {
  if (stats.isDirectory()) throw damaged(path, 'is a folder, not a file', `${RESTORE} of the register file there, or give the path of the file`);
  if (!stats.isFile()) throw damaged(path, 'is not a file', RESTORE);
  if (stats.size === 0)
    throw damaged(path, 'is empty (0 bytes): it holds no register any more', `${RESTORE} (Optin Desk will not set it up as a new, empty register)`);
  const header = Buffer.alloc(HEADER);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER, 0);
  } finally {
    closeSync(fd);
  }
  const start = header.subarray(0, Math.min(read, MAGIC.length));
  if (!start.equals(MAGIC.subarray(0, start.length)))
    throw damaged(path, 'is not an SQLite database (another kind of file is at this path)', RESTORE);
  if (read < HEADER) throw damaged(path, `is truncated: it holds only ${read} bytes, less than an SQLite header`, RESTORE);
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw damaged(path, 'has a damaged header', RESTORE);
  const pages = header.readUInt32BE(28);
  // The page count in the header is valid only when the change counter and the version-valid-for number agree.
  const countValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  if ((countValid && stats.size < pages * pageSize) || stats.size % pageSize !== 0)
    throw damaged(
      path,
      `is truncated: it holds ${stats.size} bytes${countValid ? ` of the ${pages * pageSize} its header records` : ', not a whole number of pages'}`,
      RESTORE,
    );
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

function connect(path: string, readonly: boolean, witness: WitnessRead | null, beforeMigrate?: BeforeMigrate): Db {
  const db = new Database(path, { readonly });
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
    if (path !== ':memory:' && witness) checkStructure(db, path, witness);
    // A pending migration on an existing register: keep a backup of the file as it is first (a new one has nothing to keep).
    const from = db.pragma('user_version', { simple: true }) as number;
    if (beforeMigrate && !readonly && from > 0 && from < LATEST_SCHEMA_VERSION) beforeMigrate(db, from, LATEST_SCHEMA_VERSION);
    migrate(db);
    db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (err instanceof AppError && code === 'SCHEMA_TOO_NEW' && path !== ':memory:')
      throw new AppError('SCHEMA_TOO_NEW', err.message.replace(/^this register/, `the register ${path}`), { path });
    if (code === 'SQLITE_NOTADB') throw damaged(path, 'is not an SQLite database', RESTORE);
    if (code === 'SQLITE_CORRUPT') throw damaged(path, 'is damaged (SQLite reports a malformed database)', RESTORE);
    throw err;
  }
}

/** The tables the file's schema version promises are there, no later version's tables are, and it is not older than its witness saw. */
function checkStructure(db: Db, path: string, witness: WitnessRead): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) return; // migrate() refuses it with SCHEMA_TOO_NEW
  const ref = schemaReference();
  const present = tablesOf(db);
  if (version === 0) {
    if (present.size > 0)
      throw damaged(path, 'holds tables but no schema version: it is not an Optin Desk register, or its version was reset', RESTORE);
    return;
  }
  const expected = ref.tablesAt[version]!;
  const later = [...ref.tablesAt[LATEST_SCHEMA_VERSION]!].filter((t) => !expected.has(t) && present.has(t));
  if (later.length > 0)
    throw damaged(
      path,
      `says schema version ${version} but holds tables of a later version (${later.slice(0, 3).join(', ')}): its version was lowered or it was damaged`,
    );
  const missing = [...expected].filter((t) => !present.has(t));
  if (missing.length > 0)
    throw damaged(
      path,
      `lacks the table${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''} (schema version ${version} has ${missing.length > 1 ? 'them' : 'it'}): it was damaged or edited`,
    );
  if (witness.state === 'ok' && witness.value.schemaVersion > version)
    throw damaged(
      path,
      `is at schema version ${version}, but the witness ${witnessPathFor(path)} recorded version ${witness.value.schemaVersion}: it was replaced by an older copy or damaged`,
      `${RESTORE}, the latest one (if you restored an older backup on purpose, delete ${witnessPathFor(path)} and open it again)`,
    );
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
    throw new AppError(
      'SCHEMA_TOO_NEW',
      `this register was written by a newer Optin Desk (schema ${current}, this version knows up to ${LATEST_SCHEMA_VERSION}); update the app — it will not be downgraded`,
    );
  }
  return applyMigrations(db, migrations, target);
}

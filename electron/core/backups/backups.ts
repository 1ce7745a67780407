import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackupInfo, BackupProblem, BackupReason, RegisterSummary } from '../../../shared/contract/api';
import {
  BackupProblem as BackupProblemSchema,
  BackupReason as BackupReasonSchema,
  RegisterSummary as RegisterSummarySchema,
} from '../../../shared/contract/backups';
import { z } from 'zod';
import { readSaid, readSaidOrNull, said, storeSaid, type Said, type SaidRef } from '../../../shared/contract/said';
import { LATEST_SCHEMA_VERSION, openDatabase, type Db } from '../db/open';
import { IntegrityRepo } from '../db/repos/integrity.repo';
import { RegisterRepo } from '../db/repos/register.repo';
import { randomIds, type Clock } from '../infra/clock';
import { createContext, iso, isoOrNull } from '../context';
import { verifyAudit } from '../register/integrity';

/**
 * Backups of the register: whole copies made with SQLite's online backup API while the register stays in use, each
 * checked after writing and described in a record beside it. Layout, beside the register `<dir>/register.db`:
 *
 *   <dir>/backups/register.2026-03-01T09-00-00-000Z.daily.db        the copy (one file, rollback journal)
 *   <dir>/backups/register.2026-03-01T09-00-00-000Z.daily.db.json   its record (format below)
 *
 * The record (`optin-desk-backup/1`): the register it was taken from, why (daily, manual, before-migration,
 * before-import, before-undo, before-restore) and a note, when, the shop's calendar day, size and SHA-256 of the file,
 * what the register inside holds (id, schema, counts, newest event time, both chains' heads) and the check's verdict.
 */
export const BACKUP_FORMAT = 'optin-desk-backup/1';

/** What rotation keeps: the newest daily backup of each of the last 7 days and of 4 weeks before, the last 10 "before …" ones. Backups made by hand are never rotated away. */
export const KEEP = { daily: 7, weekly: 4, before: 10 } as const;

/** The record beside a backup. */
export interface BackupRecord {
  format: typeof BACKUP_FORMAT;
  /** The register file it was taken from (its name). */
  register: string;
  reason: BackupReason;
  note: string | null;
  createdAt: string;
  /** The day it was made by the shop's calendar (daily rotation). */
  day: string;
  bytes: number;
  sha256: string;
  summary: RegisterSummary | null;
  verified: { ok: boolean; at: string; problems: BackupProblem[] } | null;
  /**
   * The write-ahead log kept beside it, for a register kept byte for byte as it was ({@link keepDamaged}); absent
   * (null) for every backup made by copying a register, which never has one.
   */
  wal?: { bytes: number; sha256: string } | null;
}

/**
 * What the register's own audit log recorded of a backup when it was made (a `backup.written` row): the reference a
 * backup is checked against before its record, since the record is a file anyone may rewrite together with the
 * backup, and the audit log is in the register's hash chain, remembered by its witness.
 */
export interface AuditedBackup {
  /** The audit row. */
  row: number;
  sha256: string;
  /** The heads the backup held (null when its check could not read them). */
  head: string | null;
  /** The write-ahead log kept beside it (a register kept byte for byte), null when it has none. */
  walSha256: string | null;
}

/** The audit action that records a backup once it is written: its file's SHA-256 and the heads it holds. */
export const BACKUP_WRITTEN = 'backup.written';

/** What a backup is checked against: its record's SHA-256 and heads, and what the register's audit log recorded. */
export interface BackupExpect {
  sha256?: string | null;
  head?: string | null;
  /** The record's SHA-256 of the write-ahead log kept beside it (a register kept byte for byte). */
  walSha256?: string | null;
  /** The audit rows that recorded a backup of this name (normally one). */
  audited?: readonly AuditedBackup[];
  /** The record's file name, to name it in a problem. */
  record?: string | null;
}

/** A backup file found on disk, with its record when it has one. */
export interface BackupFile {
  path: string;
  name: string;
  bytes: number;
  record: BackupRecord | null;
}

/** The outcome of checking a backup file. */
export interface BackupCheck {
  ok: boolean;
  problems: BackupProblem[];
  summary: RegisterSummary | null;
}

/** What a backup is made with: the online backup API (async) or, inside the synchronous open, VACUUM INTO. */
type Writer = { kind: 'api'; db: Db } | { kind: 'vacuum'; db: Db };

/** The register's backups folder: `backups/` beside it. */
export function backupsFolderFor(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'backups');
}

const stem = (dbPath: string): string => basename(dbPath).replace(/\.[^.]+$/, '') || 'register';
const stampOf = (at: number): string => new Date(at).toISOString().replace(/[:.]/g, '-');
const REASONS: readonly BackupReason[] = ['daily', 'manual', 'before-migration', 'before-import', 'before-undo', 'before-restore'];
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The file names of a register's backups: `<stem>.<UTC stamp>[-n].<reason>.db`. */
function namePattern(dbPath: string): RegExp {
  return new RegExp(`^${escapeRe(stem(dbPath))}\\.(\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z)(?:-\\d+)?\\.(${REASONS.join('|')})\\.db$`);
}

/** A problem found by a check. */
/** A problem by key (its English beside it); an audit problem keeps the register's own English and its fields. */
function problem(kind: BackupProblem['kind'], what: Said | string, audit: BackupProblem['audit'] = null): BackupProblem {
  return typeof what === 'string' ? { kind, message: what, audit } : { kind, ...what, audit };
}

/** SHA-256 of a file, streamed in 1 MiB pieces. */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Write a JSON file whole: a temporary file beside it, flushed, renamed over it. */
function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A backup's record as read back: every field checked, since a record is a file anyone may edit — one with a field of
 * the wrong kind is no record (its backup is listed and checked by its contents), never a crash of the list, the
 * rotation, or the backup an import waits for. Fields an older version did not write read as unknown.
 */
const RecordSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  register: z.string().catch(''),
  reason: BackupReasonSchema,
  note: z.string().nullable().catch(null),
  createdAt: z.string(),
  day: z.string().catch(''),
  bytes: z.number().nonnegative().catch(0),
  sha256: z.string(),
  summary: RegisterSummarySchema.nullable().catch(null),
  verified: z
    .object({ ok: z.boolean(), at: z.string(), problems: z.array(BackupProblemSchema) })
    .nullable()
    .catch(null),
  wal: z.object({ bytes: z.number().nonnegative(), sha256: z.string() }).nullable().catch(null),
});

/** Read the record beside a backup; null when there is none or it is not one. */
export function readRecord(backupPath: string): BackupRecord | null {
  try {
    const v = RecordSchema.safeParse(JSON.parse(readFileSync(`${backupPath}.json`, 'utf8')));
    return v.success ? (v.data as BackupRecord) : null;
  } catch {
    return null;
  }
}

/** The register's backups in its backups folder (or another folder), newest first. */
export function listBackupFiles(dbPath: string, folder = backupsFolderFor(dbPath)): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const pattern = namePattern(dbPath);
  return names
    .filter((n) => pattern.test(n))
    .map((name) => {
      const path = join(folder, name);
      let bytes = 0;
      try {
        bytes = statSync(path).size;
      } catch {
        // removed meanwhile
      }
      return { path, name, bytes, record: readRecord(path) };
    })
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** The time a backup was made, from its record or, lacking one, its name. */
function createdAtOf(f: BackupFile): number {
  if (f.record) return Date.parse(f.record.createdAt);
  const m = /\.(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(f.name);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : 0;
}

function reasonOf(f: BackupFile): BackupReason | null {
  if (f.record) return f.record.reason;
  const m = /\.([a-z-]+)\.db$/.exec(f.name);
  return m && (REASONS as readonly string[]).includes(m[1]!) ? (m[1] as BackupReason) : null;
}

/** A backup as the contract shows it. */
export function toInfo(f: BackupFile, id = f.name): BackupInfo {
  const r = f.record;
  return {
    id,
    path: f.path,
    reason: reasonOf(f),
    // The register's own notes are stored by key (older ones, and a note typed by hand, as written).
    note: r?.note == null ? null : readSaid(r.note).message,
    noteSaid: readSaidOrNull(r?.note),
    createdAt: r ? r.createdAt : null,
    bytes: f.bytes,
    sha256: r?.sha256 ?? null,
    register: r?.summary ?? null,
    verified: r?.verified ?? null,
  };
}

/** A backup file anywhere (a path), with its record when one is beside it. */
export function backupFileAt(path: string): BackupFile {
  const abs = resolve(path);
  let bytes = 0;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new Error('not a file');
    bytes = st.size;
  } catch {
    // reported by the check as missing
  }
  return { path: abs, name: basename(abs), bytes, record: readRecord(abs) };
}

/** What a register file holds, read from an open connection (heads and counts; the id from `idSource` when given). */
export function summarize(db: Db, idSource: Db = db): RegisterSummary {
  const repo = new IntegrityRepo(db);
  const heads = repo.heads();
  const counts = new RegisterRepo(db).counts();
  return {
    registerId: new RegisterRepo(idSource).registerIdOrNull(),
    schemaVersion: idSource.pragma('user_version', { simple: true }) as number,
    contacts: counts.contacts,
    events: counts.events,
    auditRows: counts.auditRows,
    lastEventAt: isoOrNull(counts.lastEventAt),
    heads: {
      events: { count: counts.events, lastId: heads.events.lastId, lastHash: heads.events.lastHash },
      audit: { count: counts.auditRows, lastId: heads.audit.lastId, lastHash: heads.audit.lastHash },
    },
    head: `events:${heads.events.lastId}:${heads.events.lastHash},audit:${heads.audit.lastId}:${heads.audit.lastHash}`,
  };
}

/** A backup's register brought to this version in a temporary folder: what checks, previews and restores work on. */
export interface Inspected extends BackupCheck {
  /** The migrated copy (closed), present until `cleanup`; null when the file could not be brought this far. */
  migrated: string | null;
  cleanup(): void;
}

/**
 * Check a backup file, and keep the migrated copy for a preview or a restore: the file is the one the register's audit
 * log recorded when it was made (when it did; older backups were not recorded there) and the one its record names
 * (SHA-256), nothing beside it changes what it holds (a write-ahead log), a copy opens read-only and SQLite finds it whole, a copy migrates to this version, `audit verify` finds nothing
 * wrong in it (the chains, each event against its contact, the projection, the safeguards) and it still holds the
 * heads recorded when it was written (`expect`).
 */
export function inspectBackup(path: string, expect: BackupExpect, clock: Clock): Inspected {
  const problems: BackupProblem[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'optin-backup-check-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const done = (summary: RegisterSummary | null, migrated: string | null): Inspected => ({
    ok: problems.length === 0,
    problems,
    summary,
    migrated,
    cleanup,
  });
  try {
    let st;
    try {
      st = statSync(path);
    } catch {
      problems.push(problem('missing', said('backups.fileMissing', { path })));
      return done(null, null);
    }
    if (!st.isFile()) {
      problems.push(problem('missing', said('backups.notAFile', { path })));
      return done(null, null);
    }
    const audited = expect.audited ?? [];
    const sha = expect.sha256 || audited.length ? sha256File(path) : null;
    // The register's audit row, when it recorded this backup, is the reference: the record is checked against it too.
    const reference = audited.find((a) => a.sha256 === sha) ?? audited[audited.length - 1] ?? null;
    if (reference) {
      const record = expect.record ?? `${basename(path)}.json`;
      // When the record still agrees with the register, the file alone changed after it was written (as without a row).
      if (sha !== reference.sha256)
        problems.push(
          expect.sha256 === reference.sha256
            ? problem('changed', said('backups.fileChanged', { sha256: (sha ?? '').slice(0, 16), expected: reference.sha256.slice(0, 16) }))
            : problem(
                'changed',
                said('backups.fileNotAsAudited', { row: reference.row, sha256: (sha ?? '').slice(0, 16), expected: reference.sha256.slice(0, 16) }),
              ),
        );
      if (expect.sha256 && expect.sha256 !== reference.sha256)
        problems.push(
          problem(
            'changed',
            said('backups.recordShaNotAsAudited', {
              record,
              row: reference.row,
              recorded: expect.sha256.slice(0, 16),
              expected: reference.sha256.slice(0, 16),
            }),
          ),
        );
      if (expect.head && reference.head && expect.head !== reference.head)
        problems.push(
          problem('changed', said('backups.recordHeadNotAsAudited', { record, row: reference.row, recorded: expect.head, expected: reference.head })),
        );
    } else if (expect.sha256 && sha !== expect.sha256)
      problems.push(problem('changed', said('backups.fileChanged', { sha256: (sha ?? '').slice(0, 16), expected: expect.sha256.slice(0, 16) })));
    const head = reference?.head ?? expect.head ?? null;
    const copy = join(dir, 'register.db');
    copyFileSync(path, copy);
    // A write-ahead log beside the file changes what SQLite reads from it, and the SHA-256 a backup is checked by covers
    // the file alone. Backups made by copying a register never have one (settle removes it): one beside such a backup
    // was put there, and is neither copied nor applied — the backup does not check out while it is there. Only the log
    // of a register kept byte for byte (keepDamaged) is applied, when it is the one recorded; a plain copy of a live
    // register, with no record and no audit row to check it by, is read with its log, as SQLite would.
    const wal = `${path}-wal`;
    // (An empty log changes nothing.)
    if (existsSync(wal) && statSync(wal).size > 0) {
      const vouched = reference ? reference.walSha256 : expect.sha256 ? (expect.walSha256 ?? null) : undefined;
      if (vouched === undefined || (vouched !== null && sha256File(wal) === vouched)) copyFileSync(wal, `${copy}-wal`);
      else problems.push(problem('changed', said('backups.walBeside', { wal })));
    }
    // 1. A copy opens read-only and SQLite finds every page whole.
    let original: { registerId: string | null; version: number };
    try {
      const ro = new Database(copy, { readonly: true, fileMustExist: true });
      try {
        const quick = ro.pragma('quick_check', { simple: true });
        if (quick !== 'ok') problems.push(problem('damaged', said('backups.sqliteDamaged', { detail: String(quick).slice(0, 200) })));
        original = { registerId: new RegisterRepo(ro).registerIdOrNull(), version: ro.pragma('user_version', { simple: true }) as number };
      } finally {
        ro.close();
      }
    } catch (err) {
      problems.push(problem('unreadable', said('backups.notARegister', { detail: messageOf(err) })));
      return done(null, null);
    }
    if (original.version > LATEST_SCHEMA_VERSION) {
      problems.push(problem('too_new', said('backups.tooNew', { version: original.version, latest: LATEST_SCHEMA_VERSION })));
      return done(null, null);
    }
    // 2. A copy migrates to this version (and is a register: its tables are those its version promises).
    let db: Db;
    try {
      db = openDatabase(copy);
    } catch (err) {
      problems.push(problem('cannot_migrate', said('backups.cannotMigrate', { detail: messageOf(err) })));
      return done(null, null);
    }
    let summary: RegisterSummary;
    try {
      // 3. audit verify finds nothing wrong, and the register still holds the heads recorded when it was written.
      const v = verifyAudit(createContext(db, clock, randomIds), { repo: new IntegrityRepo(db), witness: null }, head ? { expect: head } : {});
      for (const p of v.problems) problems.push(problem('audit', p.message, p));
      summary = { ...summarize(db), registerId: original.registerId, schemaVersion: original.version };
    } finally {
      db.close();
    }
    return done(summary, copy);
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Check a backup file (see {@link inspectBackup}). */
export function checkBackupFile(path: string, expect: BackupExpect, clock: Clock): BackupCheck {
  const r = inspectBackup(path, expect, clock);
  r.cleanup();
  return { ok: r.ok, problems: r.problems, summary: r.summary };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : 'unknown error';
}

/** A name for a new backup that no file has yet (two in the same millisecond get -2, -3…). */
function freshPath(folder: string, dbPath: string, at: number, reason: BackupReason): string {
  for (let n = 1; ; n++) {
    const path = join(folder, `${stem(dbPath)}.${stampOf(at)}${n > 1 ? `-${n}` : ''}.${reason}.db`);
    if (!existsSync(path) && !existsSync(`${path}.json`)) return path;
  }
}

/** How to make one backup. */
export interface CreateOptions {
  reason: BackupReason;
  note?: string | null;
  /** Another folder (a USB stick); default: the register's backups folder, which is then rotated. */
  folder?: string;
  clock: Clock;
  /** The shop's calendar day now ("YYYY-MM-DD"; default: the UTC day). */
  day?: string;
  /** The head the register is known to hold (the witness's): a backup of a register that no longer holds it does not check out. */
  expectHead?: string | null;
}

/** A finished copy: one self-contained file (rollback journal, no -wal beside it), flushed to disk. */
function settle(partial: string): void {
  const db = new Database(partial);
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  for (const side of ['-wal', '-shm', '-journal']) rmSync(`${partial}${side}`, { force: true });
  fsyncFile(partial);
}

async function writeCopy(w: Writer, partial: string): Promise<void> {
  if (w.kind === 'api') await w.db.backup(partial);
  else writeCopySync(w, partial);
}

function writeCopySync(w: Writer, partial: string): void {
  // VACUUM INTO: a consistent copy in one synchronous statement (better-sqlite3 offers the backup API only asynchronously).
  w.db.prepare('VACUUM INTO ?').run(partial);
}

function begin(dbPath: string, o: CreateOptions): { folder: string; path: string; partial: string; at: number } {
  const folder = o.folder ? resolve(o.folder) : backupsFolderFor(dbPath);
  mkdirSync(folder, { recursive: true });
  const at = o.clock.now();
  const path = freshPath(folder, dbPath, at, o.reason);
  return { folder, path, partial: `${path}.partial-${randomBytes(4).toString('hex')}`, at };
}

function finish(dbPath: string, o: CreateOptions, path: string, partial: string, at: number): BackupFile {
  settle(partial);
  renameSync(partial, path);
  const sha256 = sha256File(path);
  const bytes = statSync(path).size;
  const check = checkBackupFile(path, { head: o.expectHead ?? null }, o.clock);
  const record: BackupRecord = {
    format: BACKUP_FORMAT,
    register: basename(dbPath),
    reason: o.reason,
    note: o.note ?? null,
    createdAt: iso(at),
    day: o.day ?? iso(at).slice(0, 10),
    bytes,
    sha256,
    summary: check.summary,
    verified: { ok: check.ok, at: iso(o.clock.now()), problems: check.problems },
  };
  writeJsonAtomic(`${path}.json`, record);
  if (!o.folder) rotate(dbPath);
  return { path, name: basename(path), bytes, record };
}

function abandon(partial: string): void {
  for (const side of ['', '-wal', '-shm', '-journal']) rmSync(`${partial}${side}`, { force: true });
}

/** Make a backup of the open register with the online backup API, check it, record it, rotate. */
export async function createBackup(db: Db, dbPath: string, o: CreateOptions): Promise<BackupFile> {
  const { path, partial, at } = begin(dbPath, o);
  try {
    await writeCopy({ kind: 'api', db }, partial);
  } catch (err) {
    abandon(partial);
    throw err;
  }
  try {
    return finish(dbPath, o, path, partial, at);
  } catch (err) {
    abandon(partial);
    throw err;
  }
}

/** The same, synchronously (before a migration, inside the synchronous open): the copy is made with VACUUM INTO. */
export function createBackupSync(db: Db, dbPath: string, o: CreateOptions): BackupFile {
  const { path, partial, at } = begin(dbPath, o);
  try {
    writeCopySync({ kind: 'vacuum', db }, partial);
    return finish(dbPath, o, path, partial, at);
  } catch (err) {
    abandon(partial);
    throw err;
  }
}

/**
 * Keep a file that cannot be opened as a register as it is (a restore over a damaged register keeps it first): the
 * file and its write-ahead log are copied byte for byte, with a record saying why it could not be checked.
 */
export function keepDamaged(dbPath: string, why: SaidRef, clock: Clock): BackupFile | null {
  if (!existsSync(dbPath)) return null;
  const o: CreateOptions = { reason: 'before-restore', note: storeSaid('backups.noteKeptDamaged', { why }), clock };
  const { path, partial, at } = begin(dbPath, o);
  try {
    copyFileSync(dbPath, partial);
    fsyncFile(partial);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${path}-wal`);
    renameSync(partial, path);
  } catch (err) {
    abandon(partial);
    throw err;
  }
  const record: BackupRecord = {
    format: BACKUP_FORMAT,
    register: basename(dbPath),
    reason: 'before-restore',
    note: o.note ?? null,
    createdAt: iso(at),
    day: iso(at).slice(0, 10),
    bytes: statSync(path).size,
    sha256: sha256File(path),
    summary: null,
    verified: { ok: false, at: iso(clock.now()), problems: [problem('unreadable', said(why.key, why.params))] },
    // Its log is part of what was kept: recorded, so a check applies this log and no other (see inspectBackup).
    wal: existsSync(`${path}-wal`) ? { bytes: statSync(`${path}-wal`).size, sha256: sha256File(`${path}-wal`) } : null,
  };
  writeJsonAtomic(`${path}.json`, record);
  return { path, name: basename(path), bytes: record.bytes, record };
}

/** Monday of the ISO week of a "YYYY-MM-DD" day. */
function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return day;
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
}

/**
 * Rotation in the register's backups folder: the newest daily backup of each of the last {@link KEEP}.daily days,
 * then the newest of each of {@link KEEP}.weekly weeks before those; the last {@link KEEP}.before "before …" backups
 * (migration, import, undo, restore) together; every backup made by hand. Returns the names removed.
 */
export function rotate(dbPath: string, folder = backupsFolderFor(dbPath)): string[] {
  const all = listBackupFiles(dbPath, folder).sort((a, b) => createdAtOf(b) - createdAtOf(a));
  const keep = new Set<BackupFile>();
  for (const f of all.filter((f) => reasonOf(f)?.startsWith('before-')).slice(0, KEEP.before)) keep.add(f);
  for (const f of all) if (reasonOf(f) === 'manual' || reasonOf(f) === null) keep.add(f);
  const daily = all.filter((f) => reasonOf(f) === 'daily');
  const dayOf = (f: BackupFile): string => f.record?.day ?? new Date(createdAtOf(f)).toISOString().slice(0, 10);
  const days = new Set<string>();
  for (const f of daily) {
    const d = dayOf(f);
    if (days.has(d) || days.size >= KEEP.daily) continue;
    days.add(d);
    keep.add(f);
  }
  const weeks = new Set<string>();
  for (const f of daily) {
    if (keep.has(f)) continue;
    const w = weekOf(dayOf(f));
    if (weeks.has(w) || weeks.size >= KEEP.weekly) continue;
    weeks.add(w);
    keep.add(f);
  }
  const removed: string[] = [];
  for (const f of all) {
    if (keep.has(f)) continue;
    for (const side of ['', '.json', '-wal']) rmSync(`${f.path}${side}`, { force: true });
    removed.push(f.name);
  }
  return removed;
}

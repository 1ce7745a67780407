import Database from 'better-sqlite3';
import { copyFileSync, existsSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { RegisterSummary, RestoreLoss } from '../../../shared/contract/api';
import type { Db } from '../db/open';
import { said, type Said } from '../../../shared/contract/said';
import { RegisterRepo, type LostOptOut } from '../db/repos/register.repo';
import { isoOrNull } from '../context';
import { BACKUP_WRITTEN, summarize } from './backups';

/** A restore over a live register gives up when another process holds it for longer than this. */
const SWAP_WAIT_MS = 30_000;

/** The current register as it is now, read through its own read-only connection; or why it cannot be read. */
export function readCurrent(dbPath: string): { summary: RegisterSummary | null; problem: Said | null } {
  if (!existsSync(dbPath)) return { summary: null, problem: said('backups.noRegisterAt', { path: dbPath }) };
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return { summary: summarize(db), problem: null };
    } finally {
      db.close();
    }
  } catch (err) {
    const detail = (err instanceof Error ? err.message.split('\n')[0] : '') || 'error';
    return { summary: null, problem: said('backups.registerUnreadable', { path: dbPath, detail }) };
  }
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * What restoring the backup (its migrated copy at `restoredPath`) over the register at `dbPath` would lose: every
 * event, audit row, contact, hand-off and import the current register holds after the history both share. Read
 * through a read-only connection with the restored copy attached: the running register is never locked for it.
 */
export function compareWithCurrent(
  dbPath: string,
  restoredPath: string,
  restored: RegisterSummary,
  current: RegisterSummary | null,
  currentProblem: string | null,
): RestoreLoss {
  if (!current) {
    return {
      ...emptyLoss(),
      compared: false,
      nothing: false,
      warning: `${currentProblem ?? 'the current register cannot be read'}: what it holds cannot be compared with the backup; it will be kept as a backup first, byte for byte`,
    };
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let d;
  try {
    const repo = new RegisterRepo(db);
    repo.attach(restoredPath, 'restored');
    try {
      d = repo.differenceFrom('restored');
    } finally {
      repo.detach('restored');
    }
    // Rows that only record a backup once written (its SHA-256 and heads) are the register's note of its own copies,
    // not the shop's work: a backup restored right after it was made loses nothing. (Restoring records the register it
    // kept again; a later backup loses its row and is checked by its record alone, as older backups are.)
    const notes = db
      .prepare<[number, string], { n: number }>('SELECT count(*) AS n FROM audit_log WHERE id > ? AND action = ?')
      .get(d.commonAudit, BACKUP_WRITTEN)!.n;
    d = { ...d, auditRows: d.auditRows - notes };
  } finally {
    db.close();
  }
  const sameRegister = restored.registerId !== null && restored.registerId === current.registerId;
  const sameHistory =
    d.commonEvents === restored.heads.events.lastId && d.commonAudit >= Math.min(restored.heads.audit.lastId, current.heads.audit.lastId);
  const nothing = d.events === 0 && d.auditRows === 0 && d.contacts === 0 && d.messages === 0 && d.imports === 0;
  const parts: string[] = [];
  if (d.events) parts.push(`${count(d.events, 'consent event')}${d.optOuts ? ` (among them opt-outs of ${count(d.optOuts, 'number')})` : ''}`);
  if (d.contacts) parts.push(count(d.contacts, 'contact'));
  if (d.messages) parts.push(`${count(d.messages, 'message')} handed off to a provider`);
  if (d.imports) parts.push(count(d.imports, 'import'));
  if (d.auditRows) parts.push(count(d.auditRows, 'audit log row'));
  let warning = nothing
    ? 'Nothing would be lost: the current register holds nothing the backup lacks.'
    : `Restoring this backup loses what the current register recorded after it: ${parts.join(', ')}` +
      (d.lastEventAt ? ` (the newest recorded ${isoOrNull(d.lastEventAt)})` : '') +
      '. The current register is kept as a backup first, so it can be restored again.';
  if (d.optOuts)
    warning += ` The opt-outs of ${d.optOuts === 1 ? 'this number' : `these ${d.optOuts} numbers`} (${d.optOutPhones.join(', ')}${d.optOuts > d.optOutPhones.length ? ', …' : ''}) are entered again in the restored register, with their own times: an opt-out is never lost.`;
  if (d.messages)
    warning += ' Campaigns that were sending in the backup are paused after the restore: check who already got the message before resuming.';
  if (!sameRegister && restored.registerId !== null && current.registerId !== null)
    warning += ` The backup is of another register (id ${restored.registerId.slice(0, 8)}…, the current one is ${current.registerId.slice(0, 8)}…).`;
  else if (!sameHistory) warning += ` The backup's history differs from the current register's after event ${d.commonEvents}.`;
  return {
    compared: true,
    sameHistory,
    sameRegister,
    commonEvents: d.commonEvents,
    events: d.events,
    optOuts: d.optOuts,
    optOutPhones: d.optOutPhones,
    lastEventAt: isoOrNull(d.lastEventAt),
    backupOnlyEvents: d.otherEvents,
    auditRows: d.auditRows,
    contacts: d.contacts,
    messages: d.messages,
    imports: d.imports,
    nothing,
    warning,
  };
}

function emptyLoss(): RestoreLoss {
  return {
    compared: true,
    sameHistory: true,
    sameRegister: true,
    commonEvents: 0,
    events: 0,
    optOuts: 0,
    optOutPhones: [],
    lastEventAt: null,
    backupOnlyEvents: 0,
    auditRows: 0,
    contacts: 0,
    messages: 0,
    imports: 0,
    nothing: true,
    warning: '',
  };
}

/**
 * The opt-outs the register at `dbPath` recorded after the history it shares with the restored copy: a restore enters
 * them again (an opt-out always wins, and is never lost to a restore). Read through a read-only connection.
 */
export function lostOptOuts(dbPath: string, restoredPath: string): LostOptOut[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const repo = new RegisterRepo(db);
    repo.attach(restoredPath, 'restored');
    try {
      return repo.revocationsAfter(repo.differenceFrom('restored').commonEvents);
    } finally {
      repo.detach('restored');
    }
  } finally {
    db.close();
  }
}

/**
 * Put the restored register's content into the live register file with the online backup API, the restored copy
 * as its source: SQLite writes it as one write transaction, so every open connection — the backend's own, another
 * window's, the CLI's — sees the whole restored register at its next statement, never half of one, and no file is
 * renamed under an open connection (which SQLite warns can corrupt a database in WAL mode). The caller holds the
 * register's turn and has stopped sending. `unchanged` runs once the copy holds the register's write lock and before
 * any page is copied (the backup API's first step copies none): from then on no other process can write, so a throw
 * there — the register moved since the caller looked (another process recorded an opt-out) — leaves it untouched.
 */
export async function swapInto(dbPath: string, restoredPath: string, live: Db, unchanged: () => void = () => undefined): Promise<void> {
  const src = new Database(restoredPath);
  try {
    // In WAL mode the destination's page size cannot change: bring the copy to the register's page size first.
    const pageSize = live.pragma('page_size', { simple: true }) as number;
    if ((src.pragma('page_size', { simple: true }) as number) !== pageSize) {
      src.pragma('journal_mode = DELETE');
      src.pragma(`page_size = ${pageSize}`);
      src.exec('VACUUM');
    }
    const deadline = Date.now() + SWAP_WAIT_MS;
    let first = true;
    await src.backup(dbPath, {
      progress: () => {
        if (first) {
          first = false;
          unchanged();
        }
        if (Date.now() > deadline) throw new Error('another process held the register too long; nothing was restored');
        return 1000;
      },
    });
  } finally {
    src.close();
  }
}

/**
 * Put the restored copy in place of a register file no connection has open (it cannot be opened: damaged): the old
 * file's write-ahead log goes first (it belongs to the old file), then the copy is moved in whole.
 */
export function replaceFile(dbPath: string, restoredPath: string): void {
  // A register reached through a symbolic link is restored where the link points: renaming over the link itself
  // would leave the damaged file in place behind it and make the link a copy nothing else sees.
  let target = dbPath;
  try {
    target = realpathSync(dbPath);
  } catch {
    // no file there (yet): the path as given
  }
  const tmp = `${target}.restoring-${randomBytes(4).toString('hex')}`;
  try {
    copyFileSync(restoredPath, tmp);
    for (const side of ['-wal', '-shm', '-journal']) for (const at of new Set([dbPath, target])) rmSync(`${at}${side}`, { force: true });
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Write the restored register to a new file (`--to`), leaving the current register as it is. */
export function writeNewFile(target: string, restoredPath: string): void {
  if (existsSync(target)) throw new Error(`${target} exists: give a path where no file is`);
  const tmp = `${target}.restoring-${randomBytes(4).toString('hex')}`;
  try {
    copyFileSync(restoredPath, tmp);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

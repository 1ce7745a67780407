import Database from 'better-sqlite3';
import { readSaid } from '../../../shared/contract/said';
import { AppError } from '../../../shared/contract/errors';
import { randomUUID } from 'node:crypto';
import type { PendingOptOut } from '../../../shared/contract/api';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';

/**
 * The opt-out journal: a small SQLite file beside the register (`<register>.optouts.db`) where an opt-out is kept
 * when the register itself cannot take it at once, because another window or process holds its write lock (a long
 * import holds it for minutes; SQLite has one writer). The journal has its own lock, which nobody holds for
 * longer than one insert, so an opt-out is accepted — durably, `synchronous=FULL` — within a second from any door.
 *
 * Why a journal and not imports committed in chunks: chunks would shorten the wait only for imports, while the
 * wait comes from anything holding the lock (an import, an undo, a projection rebuild, a backup tool, a sqlite
 * shell), and would give up "an import is all or nothing" that a killed import relies on. The journal bounds the
 * wait whatever holds the lock, at ~1–3 ms per opt-out accepted this way (measured in test/bench/register.bench.ts),
 * and costs nothing when the register is free (an opt-out then goes straight into the register as before).
 *
 * Every reader of consent state asks it too: the gate (at hand-off, in plan counts, on the contact page and list)
 * treats an opt-out waiting here as a revocation from the moment it was accepted. As soon as the lock is free
 * (after the long writer's own commit, at the next turn at the register, or at a poll), each waiting opt-out is
 * entered through the register's one append (recordConsent / receiveInbound), with the audit row
 * `optout.entered` (entity `optout:<uid>`) in the same transaction; the journal then marks it entered.
 *
 * Nothing leaves the journal unentered: an entry's attempt is marked (with the audit log's last id) before its
 * transaction, so a crash between the register's commit and the journal's mark is found in the audit log and not
 * entered twice. Entered entries stay a while for readers whose snapshot of the register predates the entry.
 */

/** What a waiting opt-out was asked through. */
export type OptOutKind = 'consent.record' | 'inbound.receive' | 'complaints.record';

/** One channel × purpose an opt-out withdraws. */
export interface OptOutTarget {
  channel: Channel;
  purpose: Purpose;
}

/** An opt-out as the journal keeps it. */
export interface OptOutEntry {
  uid: string;
  kind: OptOutKind;
  /** The call's input as the door gave it (with its time fixed), replayed into the register when the lock is free. */
  input: Record<string, unknown>;
  /** The number it came from, in E.164 where it parses (else as typed). */
  phone: string;
  contactId: number | null;
  /** What was asked (shown), and every cell it withdraws under the shop's revocation scope (what the gate reads). */
  channel: Channel;
  purpose: Purpose;
  targets: OptOutTarget[];
  occurredAt: number;
  receivedAt: number;
  /** What held the register when it was accepted. */
  waitingFor: string;
  providerId: string | null;
  /** The audit log's last id just before an attempt to enter it (null: never tried). */
  attemptAuditFrom: number | null;
  enteredAt: number | null;
  /** The first consent event it became (null until entered, or when it added none). */
  firstEventId: number | null;
  /** Why it could not be entered (it is still honoured). */
  problem: string | null;
}

/** What the gate needs of a waiting (or just entered) opt-out; once entered, a cell whose last event is `firstEventId` or later holds it. */
export type GateOptOut = Pick<OptOutEntry, 'phone' | 'contactId' | 'targets' | 'occurredAt' | 'receivedAt' | 'firstEventId' | 'enteredAt'>;

/** The journal as the gate's readers see it (ServiceContext.optouts). */
export interface OptOutLookup {
  /** Opt-outs for this number or contact still waiting, or entered so recently that a reader's snapshot may miss them. */
  forContact(phone: string, contactId: number | null): OptOutEntry[];
  /** All of them (plan counts, the contacts list): a handful at most. */
  active(): OptOutEntry[];
  /**
   * Set when the journal file is there but cannot be read: the opt-outs waiting in it are unknown, so nothing may be
   * planned, queued or handed off until it is mended (see {@link journalHold}).
   */
  readonly damaged?: AppError | undefined;
}

/**
 * A journal file that exists but cannot be opened (damaged, not SQLite, unreadable): it shows no opt-outs, and holds
 * every send back with an error that names it, since an opt-out the customer was told about may be waiting in it.
 */
export class UnreadableJournal implements OptOutLookup {
  readonly damaged: AppError;
  constructor(path: string, reason: string) {
    this.damaged = new AppError('REGISTER_DAMAGED', 'optouts.unreadable', { path, reason: reason.slice(0, 200) }, { path });
  }
  forContact(): OptOutEntry[] {
    return [];
  }
  active(): OptOutEntry[] {
    return [];
  }
}

/** Why nothing may be sent now because of the opt-out journal (it cannot be read), or null. */
export function journalHold(lookup: OptOutLookup | undefined | null): AppError | null {
  return lookup?.damaged ?? null;
}

/** A waiting opt-out as the doors show it. */
export function toPendingOptOut(e: OptOutEntry): PendingOptOut {
  return {
    id: e.uid,
    phone: e.phone,
    channel: e.channel,
    purpose: e.purpose,
    receivedAt: new Date(e.receivedAt).toISOString(),
    // Stored by key (storeSaid; an older version's plain words as they are): English here, by key beside it.
    waitingFor: readSaid(e.waitingFor).message,
    waitingForSaid: readSaid(e.waitingFor),
    problem: e.problem === null ? null : readSaid(e.problem).message,
    problemSaid: e.problem === null ? null : readSaid(e.problem),
  };
}

/** Entered opt-outs are still shown to readers for this long (a reader's transaction may have begun before). */
const RECENTLY_ENTERED_MS = 10 * 60 * 1000;
/** Entered opt-outs are kept this long for inspection, then removed. */
const KEEP_ENTERED_MS = 30 * 24 * 60 * 60 * 1000;

interface Row {
  uid: string;
  kind: OptOutKind;
  input: string;
  phone: string;
  contact_id: number | null;
  channel: Channel;
  purpose: Purpose;
  targets: string;
  occurred_at: number;
  received_at: number;
  waiting_for: string;
  provider_id: string | null;
  attempt_audit_from: number | null;
  entered_at: number | null;
  first_event_id: number | null;
  problem: string | null;
}

const toEntry = (r: Row): OptOutEntry => ({
  uid: r.uid,
  kind: r.kind,
  input: JSON.parse(r.input) as Record<string, unknown>,
  phone: r.phone,
  contactId: r.contact_id,
  channel: r.channel,
  purpose: r.purpose,
  targets: JSON.parse(r.targets) as OptOutTarget[],
  occurredAt: r.occurred_at,
  receivedAt: r.received_at,
  waitingFor: r.waiting_for,
  providerId: r.provider_id,
  attemptAuditFrom: r.attempt_audit_from,
  enteredAt: r.entered_at,
  firstEventId: r.first_event_id,
  problem: r.problem,
});

const SCHEMA = `
CREATE TABLE IF NOT EXISTS optouts (
  uid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  input TEXT NOT NULL,
  phone TEXT NOT NULL,
  contact_id INTEGER,
  channel TEXT NOT NULL,
  purpose TEXT NOT NULL,
  targets TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  waiting_for TEXT NOT NULL,
  provider_id TEXT,
  attempt_audit_from INTEGER,
  entered_at INTEGER,
  first_event_id INTEGER,
  problem TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS optouts_phone ON optouts (phone);
CREATE INDEX IF NOT EXISTS optouts_waiting ON optouts (received_at) WHERE entered_at IS NULL;
CREATE TABLE IF NOT EXISTS activity (
  id INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  what TEXT NOT NULL,
  since INTEGER NOT NULL
) STRICT;
`;

const COLUMNS =
  'uid, kind, input, phone, contact_id, channel, purpose, targets, occurred_at, received_at, waiting_for, provider_id, attempt_audit_from, entered_at, first_event_id, problem';

/** Where the journal of the register at `dbPath` lives. */
export const journalPathFor = (dbPath: string): string => (dbPath === ':memory:' ? ':memory:' : `${dbPath}.optouts.db`);

/** The opt-out journal file (see the module comment). */
export class OptOutJournal implements OptOutLookup {
  readonly db: Database.Database;
  private readonly insertStmt;
  private readonly waitingStmt;
  private readonly anyWaitingStmt;
  private readonly forContactStmt;
  private readonly activeStmt;

  constructor(
    path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      // An accepted opt-out must survive a power cut: every commit is synced to disk before the door answers.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 2000');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.insertStmt = this.db.prepare(
      `INSERT INTO optouts (${COLUMNS}) VALUES (@uid, @kind, @input, @phone, @contactId, @channel, @purpose, @targets, @occurredAt, @receivedAt, @waitingFor, @providerId, NULL, NULL, NULL, NULL)`,
    );
    this.waitingStmt = this.db.prepare<[], Row>(`SELECT ${COLUMNS} FROM optouts WHERE entered_at IS NULL ORDER BY received_at, rowid`);
    this.anyWaitingStmt = this.db.prepare<[], { one: number }>('SELECT 1 AS one FROM optouts WHERE entered_at IS NULL AND problem IS NULL LIMIT 1');
    this.forContactStmt = this.db.prepare<[string, number, number], Row>(
      `SELECT ${COLUMNS} FROM optouts WHERE (phone = ? OR contact_id = ?) AND (entered_at IS NULL OR entered_at > ?) ORDER BY received_at`,
    );
    this.activeStmt = this.db.prepare<[number], Row>(
      `SELECT ${COLUMNS} FROM optouts WHERE entered_at IS NULL OR entered_at > ? ORDER BY received_at`,
    );
    this.prune();
  }

  /** Keep an opt-out; returns once it is on disk. */
  add(e: Omit<OptOutEntry, 'uid' | 'attemptAuditFrom' | 'enteredAt' | 'firstEventId' | 'problem'>): OptOutEntry {
    const entry: OptOutEntry = { ...e, uid: randomUUID(), attemptAuditFrom: null, enteredAt: null, firstEventId: null, problem: null };
    this.insertStmt.run({ ...entry, input: JSON.stringify(entry.input), targets: JSON.stringify(entry.targets) });
    return entry;
  }

  /** Whether any opt-out waits to be entered (cheap: asked after every turn at the register). */
  hasWaiting(): boolean {
    return this.anyWaitingStmt.get() !== undefined;
  }

  /** Every opt-out not yet entered, oldest first (those that could not be entered too). */
  waiting(): OptOutEntry[] {
    return this.waitingStmt.all().map(toEntry);
  }

  forContact(phone: string, contactId: number | null): OptOutEntry[] {
    return this.forContactStmt.all(phone, contactId ?? -1, this.now() - RECENTLY_ENTERED_MS).map(toEntry);
  }

  active(): OptOutEntry[] {
    return this.activeStmt.all(this.now() - RECENTLY_ENTERED_MS).map(toEntry);
  }

  /** A waiting opt-out from an inbound message with this provider id (the same reply delivered twice). */
  byProviderId(providerId: string): OptOutEntry | undefined {
    const r = this.db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM optouts WHERE provider_id = ? ORDER BY received_at LIMIT 1`).get(providerId);
    return r ? toEntry(r) : undefined;
  }

  /** Before entering it: where the audit log stood, so a crash after the register's commit is recognised. */
  markAttempt(uid: string, auditLastId: number): void {
    this.db.prepare('UPDATE optouts SET attempt_audit_from = ? WHERE uid = ?').run(auditLastId, uid);
  }

  markEntered(uid: string, firstEventId: number | null): void {
    this.db.prepare('UPDATE optouts SET entered_at = ?, first_event_id = ?, problem = NULL WHERE uid = ?').run(this.now(), firstEventId, uid);
  }

  markProblem(uid: string, problem: string): void {
    this.db.prepare('UPDATE optouts SET problem = ? WHERE uid = ?').run(problem.slice(0, 500), uid);
  }

  /** Say what this process holds the register for (an import…), so a write elsewhere can tell the person; returns the undo. */
  announce(what: string): () => void {
    try {
      const id = Number(
        this.db.prepare('INSERT INTO activity (pid, what, since) VALUES (?, ?, ?)').run(process.pid, what, this.now()).lastInsertRowid,
      );
      return () => {
        try {
          this.db.prepare('DELETE FROM activity WHERE id = ?').run(id);
        } catch {
          // a stale note names a process that has ended; readers skip those
        }
      };
    } catch {
      return () => undefined;
    }
  }

  /** What other live processes (or this one, with `own`) said they hold the register for, oldest first. */
  activity(own: boolean): { what: string; since: number }[] {
    let rows: { pid: number; what: string; since: number }[];
    try {
      rows = this.db.prepare<[], { pid: number; what: string; since: number }>('SELECT pid, what, since FROM activity ORDER BY since').all();
    } catch {
      return [];
    }
    return rows.filter((r) => (r.pid === process.pid ? own : alive(r.pid))).map(({ what, since }) => ({ what, since }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prune(): void {
    try {
      this.db.prepare('DELETE FROM optouts WHERE entered_at IS NOT NULL AND entered_at < ?').run(this.now() - KEEP_ENTERED_MS);
      for (const r of this.db.prepare<[], { id: number; pid: number }>('SELECT id, pid FROM activity').all())
        if (r.pid !== process.pid && !alive(r.pid)) this.db.prepare('DELETE FROM activity WHERE id = ?').run(r.id);
    } catch {
      // another process is pruning: it does the same
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

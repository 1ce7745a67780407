import { readFileSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { Chains, formatHead, type ChainLink, type RegisterHeads } from '../../../shared/domain/integrity/head';
import { said, type Said } from '../../../shared/contract/said';

/**
 * The witness: the last heads of the register's two hash chains, kept OUTSIDE the register file, in
 * `<register>.witness.json` beside it. Someone who edits the register with an SQLite tool can recompute every
 * hash inside it, but not what the witness (or a printed report) saw: a shorter log, or a rewritten one, shows.
 *
 * Format (version 1):
 * {
 *   "format": "optin-desk-witness/1",
 *   "register": "register.db",               // the file it watches (its name, for people)
 *   "schemaVersion": 7,                      // PRAGMA user_version the register had
 *   "events": { "lastId": 812, "lastHash": "<64 hex>" },
 *   "audit":  { "lastId": 930, "lastHash": "<64 hex>" },
 *   "head": "events:812:<hash>,audit:930:<hash>",   // the same heads as `optin audit verify --expect` takes
 *   "updatedAt": "2026-03-01T09:00:00.000Z"
 * }
 */
export interface WitnessRecord extends RegisterHeads {
  format: typeof WITNESS_FORMAT;
  register: string;
  schemaVersion: number;
  head: string;
  updatedAt: string;
}

/** The format tag of a witness file. */
export const WITNESS_FORMAT = 'optin-desk-witness/1';

/** What reading a witness found. */
export type WitnessRead = { state: 'absent' } | { state: 'unreadable'; reason: Said } | { state: 'ok'; value: WitnessRecord };

/** The witness file of a register. */
export function witnessPathFor(dbPath: string): string {
  return `${dbPath}.witness.json`;
}

function isLink(v: unknown): v is ChainLink {
  const l = v as ChainLink | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    Number.isSafeInteger(l.lastId) &&
    l.lastId >= 0 &&
    typeof l.lastHash === 'string' &&
    /^[0-9a-f]{64}$/.test(l.lastHash)
  );
}

/** Read a witness file; never throws. */
export function readWitness(path: string): WitnessRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'unreadable', reason: said('witness.readError', { code: (err as NodeJS.ErrnoException).code ?? 'EIO' }) };
  }
  let v: Partial<WitnessRecord>;
  try {
    v = JSON.parse(text) as Partial<WitnessRecord>;
  } catch {
    return { state: 'unreadable', reason: said('witness.notJson') };
  }
  if (typeof v !== 'object' || v === null || v.format !== WITNESS_FORMAT)
    return { state: 'unreadable', reason: said('witness.notWitnessFile', { format: WITNESS_FORMAT }) };
  if (!Number.isSafeInteger(v.schemaVersion) || !isLink(v.events) || !isLink(v.audit))
    return { state: 'unreadable', reason: said('witness.malformedHeads') };
  const value: WitnessRecord = {
    format: WITNESS_FORMAT,
    register: typeof v.register === 'string' ? v.register : '',
    schemaVersion: v.schemaVersion as number,
    events: v.events,
    audit: v.audit,
    head: formatHead({ events: v.events, audit: v.audit }),
    updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : '',
  };
  return { state: 'ok', value };
}

/**
 * Write a witness atomically: a temporary file beside it, renamed over the old one, so a reader sees the old
 * witness or the new one, never half of one. It is written only after the register's commit is on disk (the register
 * commits with `synchronous = FULL`), so it never claims more than the register holds; it is not flushed on its own
 * (after a power cut it may be the one before, which the register still extends).
 */
export function writeWitness(path: string, dbPath: string, heads: RegisterHeads, schemaVersion: number, at: number): WitnessRecord {
  const record: WitnessRecord = {
    format: WITNESS_FORMAT,
    register: basename(dbPath),
    schemaVersion,
    events: { ...heads.events },
    audit: { ...heads.audit },
    head: formatHead(heads),
    updatedAt: new Date(at).toISOString(),
  };
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return record;
}

/** Where the register's heads come from, and its schema version (the integrity repo and the connection). */
export interface HeadSource {
  heads(): RegisterHeads;
  /** The hash of row `id` of a chain, or null when there is none. */
  hashAt(chain: 'events' | 'audit', id: number): string | null;
  schemaVersion(): number;
  /** False while a transaction is open or after the register was closed: nothing committed to look at. */
  ready(): boolean;
}

/**
 * Keeps the witness of one register up to date. After each committed write the composition root calls
 * {@link sync}: two indexed reads, and a file write only when a chain moved. The witness only ever moves forward
 * along the same history: when the register no longer holds what the witness saw (shorter, or rewritten), the
 * witness is left as it is — it is the evidence — until someone accepts the register as it is ({@link reset}).
 */
export class Witness {
  readonly path: string;
  private lastSeen: string | null = null;
  /**
   * The record this object last wrote or read, with the file as it stood right after ({@link fileMark}): while the
   * file is still that one, the next sync need not read and parse it again. Any other write to the file (another
   * process, a restore, a hand) gives it another inode, size, or modification or change time, and it is read.
   */
  private known: { record: WitnessRecord; mark: string } | null = null;

  constructor(
    private readonly dbPath: string,
    private readonly source: HeadSource,
    private readonly now: () => number,
  ) {
    this.path = witnessPathFor(dbPath);
  }

  read(): WitnessRead {
    return readWitness(this.path);
  }

  /** True when the register still holds the newest link of each chain the witness saw. */
  holds(seen: RegisterHeads): boolean {
    return Chains.every((c) => seen[c].lastId === 0 || this.source.hashAt(c, seen[c].lastId) === seen[c].lastHash);
  }

  /** Move the witness forward to the register's heads, if they moved and still extend what it saw. */
  sync(): void {
    if (!this.source.ready()) return;
    const heads = this.source.heads();
    // Called after every committed write: the schema version (a pragma) is asked only when a chain moved; it
    // changes only when the register is opened (a migration), and the first sync after opening asks it.
    const head = formatHead(heads);
    if (this.lastSeen !== null && this.lastSeen.startsWith(`${head}@`)) return;
    const version = this.source.schemaVersion();
    const key = `${head}@${version}`;
    if (key === this.lastSeen) return;
    const w = this.readKnown();
    // An unreadable witness is evidence too: it is left for verify to report.
    if (w.state === 'unreadable') return;
    if (w.state === 'ok') {
      if (!this.holds(w.value)) {
        this.lastSeen = key;
        return;
      }
      const same = Chains.every((c) => w.value[c].lastId === heads[c].lastId && w.value[c].lastHash === heads[c].lastHash);
      if (same && w.value.schemaVersion >= version) {
        this.lastSeen = key;
        return;
      }
    }
    this.wrote(writeWitness(this.path, this.dbPath, heads, Math.max(version, w.state === 'ok' ? w.value.schemaVersion : 0), this.now()));
    this.lastSeen = key;
  }

  /** The witness as the file holds it: the record last written or read here while the file is unchanged, else read. */
  private readKnown(): WitnessRead {
    const mark = fileMark(this.path);
    if (mark === null) {
      this.known = null;
      return this.read();
    }
    if (this.known && this.known.mark === mark) return { state: 'ok', value: this.known.record };
    const w = this.read();
    // Marked before the read: a write between the two leaves a mark that is no longer the file's, so it is read again.
    this.known = w.state === 'ok' ? { record: w.value, mark } : null;
    return w;
  }

  private wrote(record: WitnessRecord): void {
    const mark = fileMark(this.path);
    this.known = mark === null ? null : { record, mark };
  }

  /** Remember the register as it is now, whatever the witness saw before (after restoring a backup on purpose). */
  reset(): WitnessRecord {
    const heads = this.source.heads();
    const version = this.source.schemaVersion();
    const record = writeWitness(this.path, this.dbPath, heads, version, this.now());
    this.wrote(record);
    this.lastSeen = `${formatHead(heads)}@${version}`;
    return record;
  }
}

/**
 * The file at `path` as it stands — inode, size, modification and change times to the nanosecond — or null when
 * there is none (or it cannot be looked at). Renaming a new witness over the old one gives another inode, and writing
 * the file in place moves its change time, which no one can set back.
 */
function fileMark(path: string): string | null {
  let st: BigIntStats | undefined;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return null;
  }
  return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : null;
}

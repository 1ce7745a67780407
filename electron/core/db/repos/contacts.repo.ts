import type { Statement } from 'better-sqlite3';
import { foldText, searchKey } from '../../../../shared/domain/text/fold';
import { isUsNumber } from '../../../../shared/domain/phone/reach';
import type { Db } from '../open';

/** A contact row as TypeScript sees it (times in ms). */
export interface ContactRecord {
  id: number;
  phone: string;
  nationalNumber: string;
  name: string;
  email: string | null;
  locale: 'en' | 'ru' | null;
  country: string | null;
  externalId: string | null;
  tags: string[];
  reach: 'mobile' | 'fixed_or_mobile' | 'fixed_line' | 'other' | 'unknown';
  /** The person's other numbers in E.164 (from an import); consent is bound to `phone` only. */
  otherPhones: string[];
  /** The import batch that created this contact, if any. */
  importBatchId: number | null;
  createdAt: number;
  updatedAt: number;
  /** Set when an undone import took the contact out of the register (its row stays for the event log). */
  removedAt?: number | null;
}

interface ContactRow {
  id: number;
  phone: string;
  national_number: string;
  name: string;
  email: string | null;
  locale: 'en' | 'ru' | null;
  country: string | null;
  external_id: string | null;
  tags: string;
  reach: ContactRecord['reach'];
  other_phones: string;
  import_batch_id: number | null;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

const COLUMNS =
  'id, phone, national_number, name, email, locale, country, external_id, tags, reach, other_phones, import_batch_id, created_at, updated_at, removed_at';
/** Removed contacts (an undone import) keep their row for the event log but are not part of the register. */
const ACTIVE = 'removed_at IS NULL';

function toRecord(r: ContactRow): ContactRecord {
  return {
    id: r.id,
    phone: r.phone,
    nationalNumber: r.national_number,
    name: r.name,
    email: r.email,
    locale: r.locale,
    country: r.country,
    externalId: r.external_id,
    tags: JSON.parse(r.tags) as string[],
    reach: r.reach,
    otherPhones: JSON.parse(r.other_phones) as string[],
    importBatchId: r.import_batch_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  };
}

/** A contact joined with one of its events (or nulls), as exports read them: a raw row in this order. */
export type ContactWithEventRow = [
  id: number,
  phone: string,
  name: string,
  email: string | null,
  locale: string | null,
  country: string | null,
  externalId: string | null,
  tags: string,
  otherPhones: string,
  eventId: number | null,
  channel: string | null,
  purpose: string | null,
  action: string | null,
  occurredAt: number | null,
  recordedAt: number | null,
  expiresAt: number | null,
  target: number | null,
];

/** The sort and prefix key of a name: its search fold (shared/domain/text/fold.ts), spaces collapsed. */
export const nameKey = searchKey;

/** Quote a token for an FTS5 prefix query. */
function ftsPrefix(token: string): string {
  return `"${token.replace(/"/g, '""')}"*`;
}

/** Last digits of a number are searched from this many on (fewer match a good part of any register). */
const MIN_TAIL_DIGITS = 4;
/** The search index holds each number's digits reversed behind this letter, so its last digits are a prefix. */
const TAIL_MARK = 'r';
const reversed = (digits: string): string => [...digits].reverse().join('');

/**
 * Build an FTS5 query from what the person typed: digit runs match the beginning of a number (with or without its
 * country code or trunk prefix) or, from four digits on, its end ("43-66", "620-43-66"); words match the beginnings
 * of name words, folded like the stored names («Семен» finds «Семён», «muller» finds «Müller»).
 */
export function buildSearchQuery(typed: string): string | null {
  const parts: string[] = [];
  const compact = typed.trim();
  // A query that is mostly a phone number ("+7 912 345", "620-43-66") is one digit run, whatever the separators.
  if (/^[+\d\s()\-.]+$/.test(compact) && /\d/.test(compact)) {
    const digits = compact.replace(/\D/g, '');
    if (digits.length < 2) return null;
    const variants = new Set([digits]);
    // A national trunk prefix (8 in Russia, 0 in most of Europe) is not part of the stored national number.
    if (/^[08]\d{3,}/.test(digits)) variants.add(digits.slice(1));
    const forward = [...variants].map(ftsPrefix);
    // "+…" starts a number; anything else may also be how it ends.
    if (!compact.startsWith('+') && digits.length >= MIN_TAIL_DIGITS) forward.push(ftsPrefix(TAIL_MARK + reversed(digits)));
    return `phones : (${forward.join(' OR ')})`;
  }
  // Words as the index splits them: «Анна-Мария» and «O'Brien» are two words each.
  for (const word of foldText(compact).split(/[^\p{L}\p{N}]+/u)) {
    if (word.length === 0) continue;
    // A number beside words may be part of the name ("Анна 2") or of the phone.
    parts.push(/^\d+$/.test(word) ? `(name : ${ftsPrefix(word)} OR phones : ${ftsPrefix(word)})` : `name : ${ftsPrefix(word)}`);
  }
  return parts.length ? parts.join(' AND ') : null;
}

/** The search index's number column for a contact: the digits with and without the country code, and reversed. */
export function searchPhones(phone: string, nationalNumber: string): string {
  return `${phone.slice(1)} ${nationalNumber} ${TAIL_MARK}${reversed(nationalNumber)}`;
}

/** What a page of the list is drawn from: everyone, names beginning with a key, or a search of the word index. */
export type ListSource = { kind: 'all' } | { kind: 'prefix'; key: string } | { kind: 'match'; query: string };

/** Where a page ends in its order: (name key, id) for the name order, the id alone for a search of the word index. */
export interface ListPosition {
  key: string;
  id: number;
}

/** How many a source holds: exact, or (past `cap`) at least `cap`. */
export type ListCount = { total: number } | { atLeast: number };

/** Every this many rows of a source its position is remembered, so a page at any offset walks at most this far. */
const FENCE = 1024;
/** Sources whose fences are kept at once (the whole list and the last few searches). */
const FENCED_SOURCES = 8;

type ContactParams = Omit<ContactRecord, 'id'>;

function toParams(c: ContactParams): Record<string, unknown> {
  return {
    ...c,
    nameKey: nameKey(c.name),
    usNumber: isUsNumber(c.phone) ? 1 : 0,
    tags: JSON.stringify(c.tags),
    otherPhones: JSON.stringify(c.otherPhones),
  };
}

/** SQL for contacts (and their search index, kept here rather than by triggers: see migration 0003). */
export class ContactsRepo {
  private readonly byId;
  private readonly byPhone;
  private readonly removedByPhone;
  private readonly insertStmt;
  private readonly reviveStmt;
  private readonly updateStmt;
  private readonly ftsInsert;
  private readonly ftsDelete;
  private readonly countStmt;
  private readonly dataVersion;
  private readonly listStmts = new Map<string, Statement<Record<string, string | number>, unknown>>();
  /**
   * Writes to contacts through this repo (every write to the table is here): with SQLite's data_version (commits by
   * other connections) the token of what the list has worked out — the register's size and, per source, where every
   * {@link FENCE}th row of it lies.
   */
  private writes = 0;
  private known: { token: string; count: number | null; fences: Map<string, ListPosition[]> } = { token: '', count: null, fences: new Map() };

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE id = ? AND ${ACTIVE}`);
    this.byPhone = db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ? AND ${ACTIVE}`);
    this.removedByPhone = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE phone = ? AND removed_at IS NOT NULL');
    this.insertStmt = db.prepare(
      `INSERT INTO contacts (phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, other_phones, import_batch_id, created_at, updated_at, us_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.reviveStmt = db.prepare(
      `UPDATE contacts SET national_number = @nationalNumber, name = @name, name_key = @nameKey, email = @email, locale = @locale,
         country = @country, external_id = @externalId, tags = @tags, reach = @reach, other_phones = @otherPhones,
         import_batch_id = @importBatchId, created_at = @createdAt, updated_at = @updatedAt, removed_at = NULL, us_number = @usNumber
       WHERE id = @id`,
    );
    this.updateStmt = db.prepare(
      `UPDATE contacts SET name = @name, name_key = @nameKey, email = @email, locale = @locale, external_id = @externalId,
         tags = @tags, other_phones = @otherPhones, updated_at = @updatedAt WHERE id = @id`,
    );
    this.ftsInsert = db.prepare('INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, ?, ?)');
    this.ftsDelete = db.prepare('DELETE FROM contacts_fts WHERE rowid = ?');
    // The table's own count (SQLite counts its pages without reading rows) less the few removed (a partial index).
    this.countStmt = db
      .prepare<[], number>('SELECT (SELECT count(*) FROM contacts) - (SELECT count(*) FROM contacts WHERE removed_at IS NOT NULL)')
      .pluck();
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    // The number column's reversed national number (see searchPhones), for indexing a whole import in one statement.
    db.function('optin_reversed', { deterministic: true }, (digits: unknown) => reversed(String(digits)));
  }

  /** Index a contact's name (folded) and number for search. */
  private index(id: number, c: Pick<ContactRecord, 'name' | 'phone' | 'nationalNumber'>): void {
    this.ftsInsert.run(id, nameKey(c.name), searchPhones(c.phone, c.nationalNumber));
  }

  /** What the list has worked out, valid while neither this connection (through here) nor another one changed contacts. */
  private knowledge(): { count: number | null; fences: Map<string, ListPosition[]> } | null {
    // Inside a transaction our own writes may still roll back: work it out again, keep nothing.
    if (this.db.inTransaction) return null;
    const token = `${this.dataVersion.get()}:${this.writes}`;
    if (this.known.token !== token) this.known = { token, count: null, fences: new Map() };
    return this.known;
  }

  private changed(): void {
    this.writes++;
  }

  get(id: number): ContactRecord | undefined {
    const r = this.byId.get(id);
    return r ? toRecord(r) : undefined;
  }

  getByPhone(phone: string): ContactRecord | undefined {
    const r = this.byPhone.get(phone);
    return r ? toRecord(r) : undefined;
  }

  /** The contact for a number even when removed: its past consents stay provable. */
  getByPhoneIncludingRemoved(phone: string): ContactRecord | undefined {
    const r = this.db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ?`).get(phone);
    return r ? toRecord(r) : undefined;
  }

  /**
   * Add a contact (indexed for search unless `index` is false: bulk loads index a whole id range at once with
   * {@link indexFrom}). A removed contact with the same number comes back under its old id, so its history stays.
   */
  insert(c: ContactParams, options: { index?: boolean; mayRevive?: boolean } = {}): ContactRecord {
    const removed = options.mayRevive === false ? undefined : this.removedByPhone.get(c.phone);
    let id: number;
    if (removed) {
      id = removed.id;
      this.reviveStmt.run({ ...toParams(c), id });
      this.index(id, c);
      this.changed();
      return { ...c, id };
    }
    // Positional parameters: this is the hot path of an import.
    id = Number(
      this.insertStmt.run(
        c.phone,
        c.nationalNumber,
        c.name,
        nameKey(c.name),
        c.email,
        c.locale,
        c.country,
        c.externalId,
        c.tags.length === 0 ? '[]' : JSON.stringify(c.tags),
        c.reach,
        c.otherPhones.length === 0 ? '[]' : JSON.stringify(c.otherPhones),
        c.importBatchId,
        c.createdAt,
        c.updatedAt,
        // Whether the gate's WhatsApp US pause applies, worked out once here rather than at every plan.
        c.phone.startsWith('+1') ? (isUsNumber(c.phone) ? 1 : 0) : 0,
      ).lastInsertRowid,
    );
    if (options.index !== false) this.index(id, c);
    this.changed();
    return { ...c, id };
  }

  /** Index for search every active contact with an id of at least `firstId` (after a bulk insert with `index: false`). */
  indexFrom(firstId: number): void {
    // One statement, inside the import's transaction: the stored name key is the folded name the index holds, and
    // the number column is built as searchPhones() builds it (the national number reversed by optin_reversed).
    this.db
      .prepare(
        `INSERT INTO contacts_fts (rowid, name, phones)
         SELECT id, name_key, substr(phone, 2) || ' ' || national_number || ' ${TAIL_MARK}' || optin_reversed(national_number)
         FROM contacts WHERE id >= ? AND ${ACTIVE}`,
      )
      .run(firstId);
  }

  update(c: ContactRecord): void {
    const before = this.byId.get(c.id);
    this.updateStmt.run({ id: c.id, ...toParams(c) });
    if (before && before.name !== c.name) {
      this.ftsDelete.run(c.id);
      this.index(c.id, c);
    }
    this.changed();
  }

  /** Take a contact out of the register: personal fields cleared, row kept for the events that point to it. */
  remove(id: number, at: number): void {
    this.db
      .prepare(
        `UPDATE contacts SET name = '', name_key = '', email = NULL, external_id = NULL, tags = '[]', other_phones = '[]',
           updated_at = ?, removed_at = ? WHERE id = ?`,
      )
      .run(at, at, id);
    this.ftsDelete.run(id);
    this.changed();
  }

  /** True when some contact was removed (so an insert may bring one back). */
  /**
   * How long names get (the whole name and its first word) and whether any is written in Cyrillic: the linter
   * counts a message's length and encoding for the longest recipient.
   */
  nameStats(): { maxName: number; maxFirstName: number; cyrillic: boolean } {
    const r = this.db
      .prepare(
        `SELECT coalesce(max(length(name)), 0) AS maxName,
                coalesce(max(length(CASE WHEN instr(trim(name), ' ') > 0 THEN substr(trim(name), 1, instr(trim(name), ' ') - 1) ELSE trim(name) END)), 0) AS maxFirst,
                EXISTS (SELECT 1 FROM contacts WHERE removed_at IS NULL AND name GLOB '*[А-яЁё]*') AS cyrillic
           FROM contacts WHERE removed_at IS NULL`,
      )
      .get() as { maxName: number; maxFirst: number; cyrillic: number };
    return { maxName: r.maxName, maxFirstName: r.maxFirst, cyrillic: r.cyrillic === 1 };
  }

  hasRemoved(): boolean {
    return this.db.prepare('SELECT 1 FROM contacts WHERE removed_at IS NOT NULL LIMIT 1').get() !== undefined;
  }

  /** Active contacts for a set of numbers, in one query (imports look up a step's rows at once). */
  byPhones(phones: string[]): Map<string, ContactRecord> {
    const out = new Map<string, ContactRecord>();
    if (phones.length === 0) return out;
    for (const r of this.db
      .prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`)
      .all(JSON.stringify(phones)))
      out.set(r.phone, toRecord(r));
    return out;
  }

  /** Ids of the active contacts a batch created. */
  createdByBatch(batchId: number): number[] {
    return this.db
      .prepare<[number], [number]>(`SELECT id FROM contacts WHERE import_batch_id = ? AND ${ACTIVE} ORDER BY id`)
      .raw()
      .all(batchId)
      .map(([id]) => id);
  }

  /**
   * Every active contact with the fold fields of its consent events, contact by contact (events in index order:
   * the fold sorts them), streamed as raw arrays in {@link ContactWithEventRow} column order. Only index columns
   * are read, so the scan never touches event rows; exports fetch the proof of a cell with ConsentRepo.proof.
   */
  *iterateWithEvents(): Generator<ContactWithEventRow> {
    yield* this.db
      .prepare<[], ContactWithEventRow>(
        `SELECT c.id, c.phone, c.name, c.email, c.locale, c.country, c.external_id, c.tags, c.other_phones,
                e.id, e.channel, e.purpose, e.action, e.occurred_at, e.recorded_at, e.expires_at, e.target_event_id
         FROM contacts c LEFT JOIN consent_events e ON e.contact_id = c.id
         WHERE c.${ACTIVE} ORDER BY c.id`,
      )
      .raw()
      .iterate();
  }

  /** Every active contact in id order, streamed (exports). */
  *iterateActive(): Generator<ContactRecord> {
    for (const r of this.db.prepare<[], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE ${ACTIVE} ORDER BY id`).iterate()) yield toRecord(r);
  }

  maxId(): number {
    return this.db.prepare<[], { n: number | null }>('SELECT max(id) AS n FROM contacts').get()?.n ?? 0;
  }

  /** What the gate reads about a page of contacts' past, in one read each: when each last complained, and flagged numbers. */
  pageHistory(contacts: readonly Pick<ContactRecord, 'id' | 'phone'>[]): { complaints: Map<number, number>; flagged: Set<string> } {
    if (contacts.length === 0) return { complaints: new Map(), flagged: new Set() };
    this.pageComplaints ??= this.db
      .prepare<[string], [number, number]>(
        'SELECT contact_id, max(at) FROM complaints WHERE contact_id IN (SELECT value FROM json_each(?)) GROUP BY contact_id',
      )
      .raw();
    this.pageFlags ??= this.db.prepare<[string], string>('SELECT phone FROM number_flags WHERE phone IN (SELECT value FROM json_each(?))').pluck();
    return {
      complaints: new Map(this.pageComplaints.all(JSON.stringify(contacts.map((c) => c.id)))),
      flagged: new Set(this.pageFlags.all(JSON.stringify(contacts.map((c) => c.phone)))),
    };
  }

  private pageComplaints: Statement<[string], [number, number]> | undefined;
  private pageFlags: Statement<[string], string> | undefined;

  /** Active contacts in the register (kept until contacts change). */
  count(): number {
    const known = this.knowledge();
    if (known?.count != null) return known.count;
    const n = this.countStmt.get() ?? 0;
    if (known) known.count = n;
    return n;
  }

  /** How many contacts a source holds, counted exactly up to `cap` (a search past it is "at least `cap`"). */
  countOf(source: ListSource, cap: number): ListCount {
    if (source.kind === 'all') return { total: this.count() };
    const n = this.statement(source, 'count').get({ ...this.params(source), cap: cap + 1 }) as number;
    return n > cap ? { atLeast: cap } : { total: n };
  }

  /**
   * A page of a source in its order — names (then ids) for the whole list and a first letter, ids for a search of
   * the word index — starting `offset` rows in, or right after `after` (a keyset page: a seek, whatever the depth).
   * An offset walks at most {@link FENCE} rows: where every FENCEth row lies is remembered per source until contacts
   * change, so only the first page that deep walks there. Also returns where the page ends, for the next one.
   */
  list(source: ListSource, from: { offset: number } | { after: ListPosition }, limit: number): { rows: ContactRecord[]; last: ListPosition | null } {
    let after: ListPosition | null = null;
    let skip = 0;
    if ('after' in from) after = from.after;
    else {
      const fence = Math.floor(from.offset / FENCE) - 1;
      skip = from.offset;
      const known = fence >= 0 ? this.knowledge() : null;
      if (known) {
        after = this.fenceAt(source, fence, known.fences);
        if (!after) return { rows: [], last: null };
        skip = from.offset - (fence + 1) * FENCE;
      }
    }
    const params = { ...this.params(source), limit, skip, ...(after ? { key: after.key, id: after.id } : {}) };
    let rows: ContactRecord[];
    if (source.kind === 'match') {
      const ids = this.statement(source, after ? 'idsAfter' : 'ids').all(params) as number[];
      rows = ids.length ? (this.statement(source, 'byIds').all({ ids: JSON.stringify(ids) }) as ContactRow[]).map(toRecord) : [];
    } else rows = (this.statement(source, after ? 'rowsAfter' : 'rows').all(params) as ContactRow[]).map(toRecord);
    const end = rows[rows.length - 1];
    return { rows, last: end ? { key: source.kind === 'match' ? '' : nameKey(end.name), id: end.id } : null };
  }

  /** Where fence `n` of a source lies (row (n + 1) × FENCE − 1), walking on from the last one known; null past the end. */
  private fenceAt(source: ListSource, n: number, all: Map<string, ListPosition[]>): ListPosition | null {
    const name = sourceName(source);
    const fences = all.get(name) ?? [];
    // Most recently used last; past FENCED_SOURCES the least recently used is forgotten.
    all.delete(name);
    all.set(name, fences);
    if (all.size > FENCED_SOURCES) all.delete(all.keys().next().value!);
    while (fences.length <= n) {
      const from = fences[fences.length - 1];
      const params = { ...this.params(source), skip: FENCE - 1, ...(from ? { key: from.key, id: from.id } : {}) };
      const at = this.statement(source, from ? 'fenceAfter' : 'fence').get(params) as ListPosition | undefined;
      if (!at) return null;
      fences.push(at);
    }
    return fences[n]!;
  }

  private params(source: ListSource): Record<string, string | number> {
    if (source.kind === 'prefix') return { lo: source.key, hi: source.key + '\uffff' };
    if (source.kind === 'match') return { match: source.query };
    return {};
  }

  /** A prepared statement of the list's for a kind of source (a handful, each prepared once). */
  private statement(
    source: ListSource,
    what: 'rows' | 'rowsAfter' | 'fence' | 'fenceAfter' | 'ids' | 'idsAfter' | 'byIds' | 'count',
  ): Statement<Record<string, string | number>, unknown> {
    const name = `${source.kind}:${what}`;
    let stmt = this.listStmts.get(name);
    if (stmt) return stmt;
    const order = 'ORDER BY name_key, id';
    const where = `${ACTIVE}${source.kind === 'prefix' ? ' AND name_key >= @lo AND name_key < @hi' : ''}`;
    const seek = ' AND (name_key, id) > (@key, @id)';
    const fts = 'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match';
    const byName = source.kind !== 'match';
    const sql = {
      rows: `SELECT ${COLUMNS} FROM contacts WHERE ${where} ${order} LIMIT @limit OFFSET @skip`,
      rowsAfter: `SELECT ${COLUMNS} FROM contacts WHERE ${where}${seek} ${order} LIMIT @limit OFFSET @skip`,
      fence: byName
        ? `SELECT name_key AS key, id FROM contacts WHERE ${where} ${order} LIMIT 1 OFFSET @skip`
        : `SELECT '' AS key, rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match ORDER BY rowid LIMIT 1 OFFSET @skip`,
      fenceAfter: byName
        ? `SELECT name_key AS key, id FROM contacts WHERE ${where}${seek} ${order} LIMIT 1 OFFSET @skip`
        : `SELECT '' AS key, rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match AND rowid > @id ORDER BY rowid LIMIT 1 OFFSET @skip`,
      ids: `${fts} ORDER BY rowid LIMIT @limit OFFSET @skip`,
      idsAfter: `${fts} AND rowid > @id ORDER BY rowid LIMIT @limit OFFSET @skip`,
      byIds: `SELECT ${COLUMNS} FROM contacts WHERE id IN (SELECT value FROM json_each(@ids)) AND ${ACTIVE} ORDER BY id`,
      count: byName ? `SELECT count(*) FROM (SELECT 1 FROM contacts WHERE ${where} LIMIT @cap)` : `SELECT count(*) FROM (${fts} LIMIT @cap)`,
    }[what];
    stmt = this.db.prepare<Record<string, string | number>, unknown>(sql);
    if (what === 'ids' || what === 'idsAfter' || what === 'count') stmt = stmt.pluck();
    this.listStmts.set(name, stmt);
    return stmt;
  }

  /** A page of all contacts in name order. */
  page(offset: number, limit: number): ContactRecord[] {
    return this.list({ kind: 'all' }, { offset }, limit).rows;
  }

  /** Contacts matching what was typed, `offset` rows in (see {@link searchSource} and {@link list}). */
  search(typed: string, offset: number, limit: number): ContactRecord[] {
    const source = searchSource(typed);
    return source ? this.list(source, { offset }, limit).rows : [];
  }
}

/** A source's name among the remembered ones. */
const sourceName = (s: ListSource): string => (s.kind === 'all' ? 'all' : s.kind === 'prefix' ? `p:${s.key}` : `m:${s.query}`);

/**
 * Where a search draws from: a single letter, the names that begin with it (the name index, in name order); longer
 * input, the word index (words anywhere in the name, numbers by their beginning or end; in the order contacts were
 * added). Null when nothing searchable was typed.
 */
export function searchSource(typed: string): ListSource | null {
  const t = typed.trim();
  if (t.length === 1 && !/\d/.test(t)) return { kind: 'prefix', key: nameKey(t) };
  const query = buildSearchQuery(t);
  return query ? { kind: 'match', query } : null;
}

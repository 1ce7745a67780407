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

/** Lower-cased, ё folded to е, spaces collapsed: the sort and prefix key of a name. (toLowerCase equals the 'ru' locale's and is ~5x faster.) */
export function nameKey(name: string): string {
  const lower = name.toLowerCase();
  // The common name needs neither fold: skip the regex passes (this runs for every imported contact).
  if (!lower.includes('ё') && !/\s\s|^\s|\s$|[\t\n\r\u00a0]/.test(lower)) return lower;
  return lower.replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** Quote a token for an FTS5 prefix query. */
function ftsPrefix(token: string): string {
  return `"${token.replace(/"/g, '""')}"*`;
}

/** Build an FTS5 query from what the person typed: digit runs match number prefixes, words match name-word prefixes. */
export function buildSearchQuery(typed: string): string | null {
  const parts: string[] = [];
  const compact = typed.trim();
  // A query that is mostly a phone number ("+7 912 345") is one digit run, whatever the separators.
  if (/^[+\d\s()\-.]+$/.test(compact) && /\d/.test(compact)) {
    const digits = compact.replace(/\D/g, '');
    if (digits.length < 2) return null;
    const variants = new Set([digits]);
    // A national trunk prefix (8 in Russia, 0 in most of Europe) is not part of the stored national number.
    if (/^[08]\d{3,}/.test(digits)) variants.add(digits.slice(1));
    return `phones : (${[...variants].map(ftsPrefix).join(' OR ')})`;
  }
  for (const word of compact.split(/\s+/)) {
    const token = word.replace(/[^\p{L}\p{N}]/gu, '');
    if (token.length === 0) continue;
    // A number beside words may be part of the name ("Анна 2") or of the phone.
    parts.push(
      /^\d+$/.test(token)
        ? `(name : ${ftsPrefix(token)} OR phones : ${ftsPrefix(token)})`
        : `name : ${ftsPrefix(token.toLocaleLowerCase('ru').replace(/ё/g, 'е'))}`,
    );
  }
  return parts.length ? parts.join(' AND ') : null;
}

/** The row of the search index for a contact: name words and digit forms of the number. */
function searchPhones(phone: string, nationalNumber: string): string {
  return `${phone.slice(1)} ${nationalNumber}`;
}

type ContactParams = Omit<ContactRecord, 'id'>;

function toParams(c: ContactParams): Record<string, unknown> {
  return {
    ...c,
    nameKey: nameKey(c.name),
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
  private readonly pageStmt;
  private readonly countStmt;
  private readonly prefixStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE id = ? AND ${ACTIVE}`);
    this.byPhone = db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ? AND ${ACTIVE}`);
    this.removedByPhone = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE phone = ? AND removed_at IS NOT NULL');
    this.insertStmt = db.prepare(
      `INSERT INTO contacts (phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, other_phones, import_batch_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.reviveStmt = db.prepare(
      `UPDATE contacts SET national_number = @nationalNumber, name = @name, name_key = @nameKey, email = @email, locale = @locale,
         country = @country, external_id = @externalId, tags = @tags, reach = @reach, other_phones = @otherPhones,
         import_batch_id = @importBatchId, created_at = @createdAt, updated_at = @updatedAt, removed_at = NULL
       WHERE id = @id`,
    );
    this.updateStmt = db.prepare(
      `UPDATE contacts SET name = @name, name_key = @nameKey, email = @email, locale = @locale, external_id = @externalId,
         tags = @tags, other_phones = @otherPhones, updated_at = @updatedAt WHERE id = @id`,
    );
    this.ftsInsert = db.prepare('INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, ?, ?)');
    this.ftsDelete = db.prepare('DELETE FROM contacts_fts WHERE rowid = ?');
    this.pageStmt = db.prepare<[number, number], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts WHERE ${ACTIVE} ORDER BY name_key, id LIMIT ? OFFSET ?`,
    );
    this.countStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM contacts WHERE ${ACTIVE}`);
    this.prefixStmt = db.prepare<[string, string, number, number], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts WHERE name_key >= ? AND name_key < ? AND ${ACTIVE} ORDER BY name_key, id LIMIT ? OFFSET ?`,
    );
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
      this.ftsInsert.run(id, c.name, searchPhones(c.phone, c.nationalNumber));
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
      ).lastInsertRowid,
    );
    if (options.index !== false) this.ftsInsert.run(id, c.name, searchPhones(c.phone, c.nationalNumber));
    return { ...c, id };
  }

  /** Index for search every active contact with an id of at least `firstId` (after a bulk insert with `index: false`). */
  indexFrom(firstId: number): void {
    this.db
      .prepare(
        `INSERT INTO contacts_fts (rowid, name, phones) SELECT id, name, substr(phone, 2) || ' ' || national_number FROM contacts WHERE id >= ? AND ${ACTIVE}`,
      )
      .run(firstId);
  }

  update(c: ContactRecord): void {
    const before = this.byId.get(c.id);
    this.updateStmt.run({ id: c.id, ...toParams(c) });
    if (before && before.name !== c.name) {
      this.ftsDelete.run(c.id);
      this.ftsInsert.run(c.id, c.name, searchPhones(c.phone, c.nationalNumber));
    }
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

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  /** A page of all contacts in name order. */
  page(offset: number, limit: number): ContactRecord[] {
    return this.pageStmt.all(limit, offset).map(toRecord);
  }

  /** Contacts matching what was typed; a single letter uses the name index, longer input the word index. */
  search(typed: string, offset: number, limit: number): ContactRecord[] {
    const t = typed.trim();
    if (t.length === 1 && !/\d/.test(t)) {
      const k = nameKey(t);
      return this.prefixStmt.all(k, k + '\uffff', limit, offset).map(toRecord);
    }
    const q = buildSearchQuery(t);
    if (!q) return [];
    const rows = this.db
      .prepare<[string, number, number], ContactRow>(
        `SELECT ${COLUMNS} FROM contacts WHERE id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ? OFFSET ?) AND ${ACTIVE} ORDER BY name_key, id`,
      )
      .all(q, limit, offset);
    return rows.map(toRecord);
  }
}

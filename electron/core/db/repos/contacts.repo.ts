import type { Statement } from 'better-sqlite3';
import { foldText, searchKey } from '../../../../shared/domain/text/fold';
import { isUsNumber, MESSAGEABLE_REACHES } from '../../../../shared/domain/phone/reach';
import { LISTED_CODE, type ListedColumns } from '../../../../shared/domain/consent/listed';
import type { Db } from '../open';
import { deferIndexes } from './statements';

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
  /** The person's primary contact when this one was merged into it (this number keeps its own consent). */
  mergedInto?: number | null;
  /** When a deletion request was made, and when its personal fields were erased (null: never). */
  erasureRequestedAt?: number | null;
  erasedAt?: number | null;
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
  merged_into: number | null;
  erasure_requested_at: number | null;
  erased_at: number | null;
}

const COLUMNS =
  'id, phone, national_number, name, email, locale, country, external_id, tags, reach, other_phones, import_batch_id, created_at, updated_at, removed_at, merged_into, erasure_requested_at, erased_at';
/** Removed contacts (an undone import) keep their row for the event log but are not part of the register. */
const ACTIVE = 'removed_at IS NULL';

/** A JSON list column (tags, other numbers): most contacts have none, and '[]' needs no parser. */
function listOf(json: string): string[] {
  return json === '[]' ? [] : (JSON.parse(json) as string[]);
}

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
    tags: listOf(r.tags),
    reach: r.reach,
    otherPhones: listOf(r.other_phones),
    importBatchId: r.import_batch_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
    mergedInto: r.merged_into,
    erasureRequestedAt: r.erasure_requested_at,
    erasedAt: r.erased_at,
  };
}

/**
 * A row of {@link COLUMNS} read raw (an array, in that order), then the order's sort key: the contacts list reads its
 * pages so, as better-sqlite3 makes an array far faster than an object with a named property per column (a page of a
 * search, on every keystroke, spent more on making its rows than on finding them).
 */
type ContactTuple = [
  id: number,
  phone: string,
  nationalNumber: string,
  name: string,
  email: string | null,
  locale: 'en' | 'ru' | null,
  country: string | null,
  externalId: string | null,
  tags: string,
  reach: ContactRecord['reach'],
  otherPhones: string,
  importBatchId: number | null,
  createdAt: number,
  updatedAt: number,
  removedAt: number | null,
  mergedInto: number | null,
  erasureRequestedAt: number | null,
  erasedAt: number | null,
  sortKey?: string | number,
];

/** Where the sort key follows {@link COLUMNS} in a raw row of the list. */
const SORT_KEY = COLUMNS.split(',').length;

function tupleToRecord(r: ContactTuple): ContactRecord {
  return {
    id: r[0],
    phone: r[1],
    nationalNumber: r[2],
    name: r[3],
    email: r[4],
    locale: r[5],
    country: r[6],
    externalId: r[7],
    tags: listOf(r[8]),
    reach: r[9],
    otherPhones: listOf(r[10]),
    importBatchId: r[11],
    createdAt: r[12],
    updatedAt: r[13],
    removedAt: r[14],
    mergedInto: r[15],
    erasureRequestedAt: r[16],
    erasedAt: r[17],
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

/** Where a page ends in its order: the sort key (a name key, number or instant; the id again for id order) and the id. */
export interface ListPosition {
  key: string | number;
  id: number;
}

/** How many a source holds: exact, or (past `cap`) at least `cap`. */
export type ListCount = { total: number } | { atLeast: number };

/** The list's orders (`id`: the order contacts were added in, a search's own order). */
export type ListSortBy = 'name' | 'phone' | 'added' | 'consentChanged' | 'id';
export interface ListOrder {
  by: ListSortBy;
  dir: 'asc' | 'desc';
}
const NAME_ORDER: ListOrder = { by: 'name', dir: 'asc' };

/** Each order's key column, every one with an index of the register's contacts (migrations 0010 and 0013). */
const ORDER_KEY: Record<ListSortBy, string> = {
  name: 'c.name_key',
  phone: 'c.phone',
  added: 'c.created_at',
  consentChanged: 'c.consent_changed_at',
  id: 'c.id',
};

/** A marketing status as the projection holds it, with expiry applied at the instant asked about. */
export type StoredStatus = 'granted' | 'unproven' | 'pending' | 'expired' | 'revoked' | 'none';

/**
 * Who the list is narrowed to, in the register's terms (register/contact-list.ts makes one from the contract's
 * filter): every part given must hold. Instants in ms; ranges are [from, to).
 */
export interface ListFilter {
  /**
   * Marketing on a channel in any of these statuses at `at`; or, with `needsPersonalData`, granted but held back by
   * the gate for want of the personal-data consent — a granted marketing consent, no personal-data consent in force,
   * a number that can take messages — except the contacts in `except` (those the gate answers otherwise for another
   * reason: register/contact-list.ts asks it about everyone with a complaint or a flagged number).
   */
  marketing?:
    { channel: 'sms' | 'whatsapp'; statuses: readonly StoredStatus[]; needsPersonalData?: { except: readonly number[] } | undefined } | undefined;
  /** Any of these tags. */
  tags?: readonly string[] | undefined;
  /** A consent event recorded this way. */
  method?: string | undefined;
  /** Added or updated by this import, or given consent events by it. */
  importBatch?: number | undefined;
  added?: { from?: number | undefined; to?: number | undefined } | undefined;
  consentChanged?: { from?: number | undefined; to?: number | undefined } | undefined;
}

/** A filter as SQL over `contacts c`: its text (the same for filters of one shape) and its `@f_…` parameters. */
export interface FilterSql {
  sql: string;
  params: Record<string, string | number>;
  /**
   * The same filter as `common AND (one of arms)`, the arms never true together — each a range of an index in name
   * order (a status code): a page in name order reads each arm in order and merges them, rather than walking the
   * names and testing every row (several statuses at once; `expired`, which is also a granted or pending code past
   * its expiry).
   */
  arms?: { common: string[]; arms: string[] } | undefined;
}

/** A channel's columns on contacts for what the list shows of its marketing (migration 0016, kept by ConsentRepo). */
const LISTED: Record<'sms' | 'whatsapp', { code: string; until: string }> = {
  sms: { code: 'c.sms_listed', until: 'c.sms_listed_until' },
  whatsapp: { code: 'c.wa_listed', until: 'c.wa_listed_until' },
};

/**
 * A status as the list shows it, over a channel's listed columns: the stored code, a granted or pending one read as
 * expired from its expiry on (effectiveState; shared/domain/consent/listed.ts). Each but `expired` is one code: a
 * range of the channel's index in name order.
 */
function statusSql(status: StoredStatus, { code, until }: { code: string; until: string }): string {
  const inForce = `(${until} IS NULL OR ${until} > @f_at)`;
  switch (status) {
    case 'granted':
    case 'pending':
      return `(${code} = ${LISTED_CODE[status]} AND ${inForce})`;
    case 'expired':
      return `(${code} = ${LISTED_CODE.expired} OR (${code} IN (${LISTED_CODE.granted}, ${LISTED_CODE.pending}) AND ${until} <= @f_at))`;
    default:
      return `${code} = ${LISTED_CODE[status]}`;
  }
}

/** A status as disjoint conditions, each one code (a range of the channel's index): `expired` is three. */
function statusArms(status: StoredStatus, columns: { code: string; until: string }): string[] {
  if (status !== 'expired') return [statusSql(status, columns)];
  return [
    `${columns.code} = ${LISTED_CODE.expired}`,
    ...(['granted', 'pending'] as const).map((k) => `(${columns.code} = ${LISTED_CODE[k]} AND ${columns.until} <= @f_at)`),
  ];
}

/**
 * A filter's SQL for an order other than names: the status codes read from the row rather than sought in their
 * index (`+c.sms_listed`), so SQLite walks the order's own index and stops at a page, instead of sorting everyone
 * with that status for each page.
 */
function withoutStatusIndex(sql: string): string {
  return sql.replace(/(?<![+\w.])c\.(sms|wa)_listed\b/g, '+c.$1_listed');
}

/** The SQL of a filter at instant `at` (null when it narrows nothing). */
export function filterSql(f: ListFilter, at: number): FilterSql | null {
  const parts: string[] = [];
  const params: Record<string, string | number> = {};
  let arms: string[] | undefined;
  if (f.marketing) {
    params.f_at = at;
    const columns = LISTED[f.marketing.channel];
    const statuses = [...new Set(f.marketing.statuses)].sort();
    const any = statuses.flatMap((k) => statusArms(k, columns));
    const needs = f.marketing.needsPersonalData;
    // Granted ones already include everyone held back for the personal-data consent.
    if (needs && !statuses.includes('granted')) {
      params.f_pd_except = JSON.stringify([...needs.except].sort((a, b) => a - b));
      any.push(
        `(${statusSql('granted', columns)} AND c.pd_until <= @f_at AND c.reach IN (${MESSAGEABLE_REACHES.map((r) => `'${r}'`).join(', ')})
          AND c.id NOT IN (SELECT value FROM json_each(@f_pd_except)))`,
      );
    }
    // Nothing asked for (a status no one can have under the shop's pack): no one.
    parts.push(any.length === 0 ? '0' : any.length === 1 ? any[0]! : `(${any.join(' OR ')})`);
    if (any.length > 1) arms = any;
  }
  if (f.tags?.length) {
    f.tags.forEach((t, i) => (params[`f_tag${i}`] = t));
    parts.push(`c.tags <> '[]' AND EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN (${f.tags.map((_, i) => `@f_tag${i}`).join(', ')}))`);
  }
  if (f.method !== undefined) {
    params.f_method = f.method;
    parts.push('(SELECT 1 FROM consent_events e WHERE e.contact_id = c.id AND e.method = @f_method LIMIT 1) IS NOT NULL');
  }
  if (f.importBatch !== undefined) {
    params.f_import = f.importBatch;
    parts.push(
      `(c.import_batch_id = @f_import
        OR (SELECT 1 FROM import_batch_updates u WHERE u.batch_id = @f_import AND u.contact_id = c.id LIMIT 1) IS NOT NULL
        OR (SELECT 1 FROM import_batches b JOIN consent_events e ON e.contact_id = c.id AND e.id BETWEEN b.first_event_id AND b.last_event_id
            WHERE b.id = @f_import LIMIT 1) IS NOT NULL)`,
    );
  }
  for (const [name, column] of [
    ['added', 'c.created_at'],
    ['consentChanged', 'c.consent_changed_at'],
  ] as const) {
    const range = f[name];
    // A contact whose consent never changed has no such day (its 0 is "never", not 1970).
    if (range && name === 'consentChanged') parts.push('c.consent_changed_at > 0');
    if (range?.from !== undefined) {
      params[`f_${name}_from`] = range.from;
      parts.push(`${column} >= @f_${name}_from`);
    }
    if (range?.to !== undefined) {
      params[`f_${name}_to`] = range.to;
      parts.push(`${column} < @f_${name}_to`);
    }
  }
  if (!parts.length) return null;
  return { sql: parts.join(' AND '), params, ...(arms ? { arms: { common: parts.slice(1), arms } } : {}) };
}

/** A page request: where from, narrowed how, in which order. */
export interface ListQuery {
  source: ListSource;
  filter?: FilterSql | null | undefined;
  order?: ListOrder | undefined;
}

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
/** The list's orders (migrations 0013, 0016) whose keys an import meets in random order: see deferListOrders. */
const RANDOM_ORDER_LIST_INDEXES = ['contacts_active_phone', 'contacts_active_name', 'contacts_active_sms_listed', 'contacts_active_wa_listed'];

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
  private known: { token: string; count: number | null; fences: Map<string, ListPosition[]>; counts: Map<string, ListCount> } = {
    token: '',
    count: null,
    fences: new Map(),
    counts: new Map(),
  };

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
  private knowledge(): { count: number | null; fences: Map<string, ListPosition[]>; counts: Map<string, ListCount> } | null {
    // Inside a transaction our own writes may still roll back: work it out again, keep nothing.
    if (this.db.inTransaction) return null;
    const token = `${this.dataVersion.get()}:${this.writes}`;
    if (this.known.token !== token) this.known = { token, count: null, fences: new Map(), counts: new Map() };
    return this.known;
  }

  private changed(): void {
    this.writes++;
  }

  /** Another repository changed what the list reads of contacts (ConsentRepo: the last consent change, the listed status). */
  touch(): void {
    this.changed();
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
    // Kept prepared: every status lookup by number asks this first.
    const r = (this.byPhoneAnyStmt ??= this.db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ?`)).get(phone);
    return r ? toRecord(r) : undefined;
  }

  private byPhoneAnyStmt: Statement<[string], ContactRow> | undefined;

  /**
   * Add a contact (indexed for search unless `index` is false: bulk loads index a whole id range at once with
   * {@link indexFrom}). A removed contact with the same number comes back under its old id, so its history stays.
   */
  insert(c: ContactParams, options: { index?: boolean; mayRevive?: boolean } = {}): ContactRecord {
    const revived = options.mayRevive === false ? undefined : this.revive(c);
    if (revived) return revived;
    const id = Number(this.insertStmt.run(...this.insertValues(c)).lastInsertRowid);
    if (options.index !== false) this.index(id, c);
    this.changed();
    return { ...c, id };
  }

  /** The contact a removed contact with this number was, back under its old id (its history stays); none: undefined. */
  revive(c: ContactParams): ContactRecord | undefined {
    const removed = this.removedByPhone.get(c.phone);
    if (!removed) return undefined;
    this.reviveStmt.run({ ...toParams(c), id: removed.id });
    this.index(removed.id, c);
    this.changed();
    return { ...c, id: removed.id };
  }

  /** The insert's values in its columns' order (positional parameters: this is the hot path of an import). */
  private insertValues(c: ContactParams): (string | number | null)[] {
    return [
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
    ];
  }

  /**
   * Add contacts a bulk load has numbered itself (from {@link maxId} + 1, inside its write transaction) with what the list
   * shows of their consent already worked out from their first projection cells (listedColumns in consent/listed.ts), so each contact is
   * written once and its indexes once, rather than written and then rewritten by each cell. Not indexed for search:
   * the load indexes its whole range at the end ({@link indexFrom}).
   */
  insertNumbered(rows: readonly { contact: ContactRecord; listed: ListedColumns }[]): void {
    if (rows.length === 0) return;
    const stmt = (this.insertNumberedStmt ??= this.db.prepare(
      `INSERT INTO contacts (phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, other_phones, import_batch_id, created_at, updated_at, us_number,
         id, consent_changed_at, sms_listed, sms_listed_until, wa_listed, wa_listed_until, pd_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ));
    for (const { contact: c, listed: l } of rows) {
      const values = this.insertValues(c);
      values.push(c.id, l.changedAt, l.marketing.sms.code, l.marketing.sms.until, l.marketing.whatsapp.code, l.marketing.whatsapp.until, l.pdUntil);
      stmt.run(values);
    }
    this.changed();
  }

  private insertNumberedStmt: Statement | undefined;

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

  /**
   * Drop the list's orders whose keys a load meets in random order (by number, by name, by SMS and WhatsApp status)
   * and return what creates them again: for an import about as large as the register, whose new contacts would
   * otherwise be threaded one by one into them (see {@link deferIndexes}). The orders by date added and by last
   * change are kept: a load's new contacts come at their end, in order, which costs less than sorting them again.
   * Only inside a transaction.
   */
  deferListOrders(): () => void {
    return deferIndexes(
      this.db,
      'deferListOrders',
      `SELECT name, sql FROM sqlite_master
       WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL AND name IN (SELECT value FROM json_each(?))
       ORDER BY name`,
      JSON.stringify(RANDOM_ORDER_LIST_INDEXES),
    );
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

  /** The contacts merged into a primary (its other numbers), in the order they were added. */
  mergedInto(primaryId: number): ContactRecord[] {
    return this.db
      .prepare<[number], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE merged_into = ? AND ${ACTIVE} ORDER BY id`)
      .all(primaryId)
      .map(toRecord);
  }

  /**
   * Every contact merged into another (a person's other numbers), by 0012's partial index: few beside the register.
   * The list's SQL filters that ask the gate's answer leave them out (the gate answers `merged` for them).
   */
  mergedAway(): ContactRecord[] {
    return this.db
      .prepare<[], ContactRow>(
        `SELECT ${COLUMNS} FROM contacts INDEXED BY contacts_merged_into WHERE merged_into IS NOT NULL AND ${ACTIVE} ORDER BY id`,
      )
      .all()
      .map(toRecord);
  }

  /**
   * The contacts that keep `phone` among their other numbers (an import's row with several numbers): the same person
   * as that number. Read along the index of the contacts with other numbers (migration 0021), not the whole table
   * (an opt-out asks it; an import asks {@link withOtherPhones} once instead).
   */
  holdingOtherPhone(phone: string): ContactRecord[] {
    this.holdingStmt ??= this.db.prepare<[string], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts INDEXED BY contacts_other_phones WHERE other_phones <> '[]' AND instr(other_phones, ?) > 0 AND ${ACTIVE} ORDER BY id`,
    );
    return this.holdingStmt
      .all(JSON.stringify(phone))
      .map(toRecord)
      .filter((c) => c.otherPhones.includes(phone));
  }

  private holdingStmt: Statement<[string], ContactRow> | undefined;

  /**
   * Every contact that keeps other numbers, by number and other numbers only, read at once (an import's opt-outs look
   * their numbers up in it): a fraction of the cost of whole records (100,000 of 1M contacts: ~0.4 s against ~3 s).
   */
  withOtherPhones(): { id: number; phone: string; otherPhones: string[] }[] {
    return this.db
      .prepare<[], [number, string, string]>(`SELECT id, phone, other_phones FROM contacts WHERE other_phones <> '[]' AND ${ACTIVE}`)
      .raw()
      .all()
      .map(([id, phone, others]) => ({ id, phone, otherPhones: listOf(others) }));
  }

  /** Link a contact to the person's primary contact, or unlink it (null). No event moves: each number keeps its own. */
  setMergedInto(id: number, primaryId: number | null, at: number): void {
    this.db.prepare('UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?').run(primaryId, at, id);
    this.changed();
  }

  /**
   * Carry out a deletion request on a contact: its personal fields cleared (name, e-mail, language, CRM id, tags,
   * other numbers) and the dates kept; the number stays searchable, so the proof of its opt-out can be found.
   */
  erase(id: number, requestedAt: number, at: number): void {
    this.db
      .prepare(
        `UPDATE contacts SET name = '', name_key = '', email = NULL, locale = NULL, external_id = NULL, tags = '[]', other_phones = '[]',
           erasure_requested_at = ?, erased_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(requestedAt, at, at, id);
    const c = this.byId.get(id);
    this.ftsDelete.run(id);
    if (c) this.index(id, { name: '', phone: c.phone, nationalNumber: c.national_number });
    this.changed();
  }

  /** What an import kept of a contact to put back on undo: cleared with the contact's own fields on erasure. */
  eraseBeforeImages(id: number, erased: Record<string, unknown>): void {
    const rows = this.db
      .prepare<[number], { batch_id: number; before: string }>('SELECT batch_id, before FROM import_batch_updates WHERE contact_id = ?')
      .all(id);
    const put = this.db.prepare('UPDATE import_batch_updates SET before = ? WHERE batch_id = ? AND contact_id = ?');
    for (const r of rows) put.run(JSON.stringify({ ...(JSON.parse(r.before) as Record<string, unknown>), ...erased }), r.batch_id, id);
  }

  /** The records other than consent events that name a contact (a contact with any of them is kept). */
  recordsNaming(id: number): string[] {
    const tables = this.db
      .prepare<[], { name: string }>(
        `SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
          WHERE m.type = 'table' AND f."table" = 'contacts' AND m.name <> 'consent_state'`,
      )
      .all()
      .map((t) => t.name);
    return tables.filter((t) => {
      const cols = this.db
        .prepare<[string], { from: string }>(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = 'contacts'`)
        .all(t)
        .map((c) => c.from);
      return cols.some((col) => this.db.prepare(`SELECT 1 FROM "${t}" WHERE "${col}" = ? LIMIT 1`).get(id) !== undefined);
    });
  }

  /**
   * Delete a contact for good (the caller checked it has no consent events or other records), with what imports kept
   * of it for their undo (an undo then finds no contact to put back, and skips it).
   */
  delete(id: number): void {
    this.db.prepare('DELETE FROM consent_state WHERE contact_id = ?').run(id);
    this.db.prepare('DELETE FROM import_batch_updates WHERE contact_id = ?').run(id);
    // The search index entry goes with the row (trigger contacts_fts_delete).
    this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
    this.changed();
  }

  /** True when some contact was removed (so an insert may bring one back). */
  /**
   * How long names get (the whole name and its first word) and whether any is written in Cyrillic: the linter
   * counts a message's length and encoding for the longest recipient.
   */
  // NOT INDEXED: a walk of the table reads every name in page order; SQLite would otherwise walk a partial index of
  // active contacts (0013's list orders) and look each row up, three times slower (0.09 s against 0.03 s at 100k).
  // The first word's length is where the first space falls in the trimmed name with a space put after it (instr and
  // length count characters). The given name ({{first_name}}) is the first or the second word («Алексеев Андрей»,
  // see shared/domain/text/given-name.ts): the longer of the two bounds it.
  nameStats(): { maxName: number; maxFirstName: number; cyrillic: boolean } {
    const r = this.db
      .prepare(
        `SELECT coalesce(max(length(name)), 0) AS maxName,
                coalesce(max(max(instr(t, ' ') - 1, instr(ltrim(substr(t, instr(t, ' ') + 1)), ' ') - 1)), 0) AS maxFirst,
                EXISTS (SELECT 1 FROM contacts WHERE removed_at IS NULL AND name GLOB '*[А-яЁё]*') AS cyrillic
           FROM (SELECT name, trim(name) || ' ' AS t FROM contacts NOT INDEXED WHERE removed_at IS NULL)`,
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
    // Kept: an import asks at every step.
    this.byPhonesStmt ??= this.db.prepare<[string], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts WHERE phone IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`,
    );
    for (const r of this.byPhonesStmt.all(JSON.stringify(phones))) out.set(r.phone, toRecord(r));
    return out;
  }

  private byPhonesStmt: Statement<[string], ContactRow> | undefined;

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
    this.maxIdStmt ??= this.db.prepare<[], { n: number | null }>('SELECT max(id) AS n FROM contacts');
    return this.maxIdStmt.get()?.n ?? 0;
  }

  private maxIdStmt: Statement<[], { n: number | null }> | undefined;

  /**
   * What the gate reads about a page of contacts' past, in one read each: when each one's person last complained, and
   * flagged numbers.
   */
  pageHistory(contacts: readonly Pick<ContactRecord, 'id' | 'phone'>[]): { complaints: Map<number, number>; flagged: Set<string> } {
    if (contacts.length === 0) return { complaints: new Map(), flagged: new Set() };
    this.pageComplaints ??= this.db
      .prepare<[string], [number, number]>(
        // A complaint from any number of a merged person counts for each of its numbers (as BatchesRepo.lastComplaints).
        `WITH page AS (SELECT c.id, coalesce(c.merged_into, c.id) AS p FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))),
              numbers AS (SELECT id, p AS n FROM page UNION SELECT page.id, m.id FROM page JOIN contacts m ON m.merged_into = page.p)
         SELECT numbers.id, max(k.at) FROM numbers JOIN complaints k ON k.contact_id = numbers.n GROUP BY numbers.id`,
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

  /** How many contacts a query holds, counted exactly up to `cap` (past it: "at least `cap`"). */
  countOf(q: ListSource | ListQuery, cap: number): ListCount {
    const query = 'source' in q ? q : { source: q };
    if (query.source.kind === 'all' && !query.filter) return { total: this.count() };
    // A narrowed list's count is kept like its fences (until contacts change): its next pages do not count again.
    const known = this.knowledge();
    const name = `${queryName(query)}|${cap}`;
    const kept = known?.counts.get(name);
    if (kept) return kept;
    const n = this.statement(query, 'count').get({ ...this.params(query), cap: cap + 1 }) as number;
    const counted = n > cap ? { atLeast: cap } : { total: n };
    if (known) {
      if (known.counts.size >= 64) known.counts.delete(known.counts.keys().next().value!);
      known.counts.set(name, counted);
    }
    return counted;
  }

  /**
   * A page of a query in its order — by default names (then ids) for the whole list and a first letter, ids for a
   * search of the word index; or by number, when added or the last consent change, either way — narrowed by its
   * filter, starting `offset` rows in, or right after `after` (a keyset page: a seek, whatever the depth). An offset
   * walks at most {@link FENCE} rows: where every FENCEth row lies is remembered per query until contacts change, so
   * only the first page that deep walks there. Also returns where the page ends, for the next one.
   */
  list(
    q: ListSource | ListQuery,
    from: { offset: number } | { after: ListPosition },
    limit: number,
  ): { rows: ContactRecord[]; last: ListPosition | null; positions: ListPosition[] } {
    const query = 'source' in q ? q : { source: q };
    let after: ListPosition | null = null;
    let skip = 0;
    if ('after' in from) after = from.after;
    else {
      const fence = Math.floor(from.offset / FENCE) - 1;
      skip = from.offset;
      const known = fence >= 0 ? this.knowledge() : null;
      if (known) {
        after = this.fenceAt(query, fence, known.fences);
        if (!after) return { rows: [], last: null, positions: [] };
        skip = from.offset - (fence + 1) * FENCE;
      }
    }
    const params = { ...this.params(query), limit, skip, ...(after ? { key: after.key, id: after.id } : {}) };
    let rows: ContactRecord[];
    if (isWordIndexOrder(query)) {
      const ids = this.statement(query, after ? 'idsAfter' : 'ids').all(params) as number[];
      rows = ids.length ? (this.statement(query, 'byIds').all({ ids: JSON.stringify(ids) }) as ContactTuple[]).map(tupleToRecord) : [];
      const positions = rows.map((r) => ({ key: r.id, id: r.id }));
      return { rows, last: positions[positions.length - 1] ?? null, positions };
    }
    // A first page without a filter skips nothing: read straight from the order's index (see 'rowsFirst').
    const what = after ? 'rowsAfter' : skip === 0 && !query.filter ? 'rowsFirst' : 'rows';
    const raw = this.statement(query, what).all(params) as ContactTuple[];
    rows = raw.map(tupleToRecord);
    const positions = raw.map((r) => ({ key: r[SORT_KEY]!, id: r[0] }));
    return { rows, last: positions[positions.length - 1] ?? null, positions };
  }

  /** Where fence `n` of a query lies (row (n + 1) × FENCE − 1), walking on from the last one known; null past the end. */
  private fenceAt(query: ListQuery, n: number, all: Map<string, ListPosition[]>): ListPosition | null {
    const name = queryName(query);
    const fences = all.get(name) ?? [];
    // Most recently used last; past FENCED_SOURCES the least recently used is forgotten.
    all.delete(name);
    all.set(name, fences);
    if (all.size > FENCED_SOURCES) all.delete(all.keys().next().value!);
    while (fences.length <= n) {
      const from = fences[fences.length - 1];
      const params = { ...this.params(query), skip: FENCE - 1, ...(from ? { key: from.key, id: from.id } : {}) };
      const at = this.statement(query, from ? 'fenceAfter' : 'fence').get(params) as ListPosition | undefined;
      if (!at) return null;
      fences.push(at);
    }
    return fences[n]!;
  }

  private params(query: ListQuery): Record<string, string | number> {
    const { source } = query;
    const own: Record<string, string | number> =
      source.kind === 'prefix' ? { lo: source.key, hi: source.key + '\uffff' } : source.kind === 'match' ? { match: source.query } : {};
    return query.filter ? { ...own, ...query.filter.params } : own;
  }

  /** A prepared statement of the list's for a shape of query (source kind, filter shape, order), each prepared once. */
  private statement(
    query: ListQuery,
    what: 'rows' | 'rowsFirst' | 'rowsAfter' | 'fence' | 'fenceAfter' | 'ids' | 'idsAfter' | 'byIds' | 'count',
  ): Statement<Record<string, string | number>, unknown> {
    const { source, filter } = query;
    const order = orderOf(query);
    const name = `${source.kind}:${what}:${order.by}:${order.dir}:${filter?.sql ?? ''}`;
    let stmt = this.listStmts.get(name);
    if (stmt) {
      // Most recently used last (a few hundred shapes at most are kept).
      this.listStmts.delete(name);
      this.listStmts.set(name, stmt);
      return stmt;
    }
    const key = ORDER_KEY[order.by];
    const dir = order.dir === 'asc' ? 'ASC' : 'DESC';
    const orderBy = `ORDER BY ${key} ${dir}, c.id ${dir}`;
    const fts = 'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match';
    // In name order a filter with arms reads each arm from its own index and merges them; in another order the status
    // codes are read from the rows the order's index walks.
    const armed = filter?.arms && order.by === 'name' ? filter.arms : null;
    const filterWhere = armed ? armed.common : filter ? [order.by === 'name' ? filter.sql : withoutStatusIndex(filter.sql)] : [];
    const where = [
      `c.${ACTIVE}`,
      ...(source.kind === 'prefix' ? ['c.name_key >= @lo AND c.name_key < @hi'] : []),
      ...(source.kind === 'match' ? [`c.id IN (${fts})`] : []),
      ...filterWhere,
    ].join(' AND ');
    const arms = armed ? armed.arms.map((a) => ` AND ${a}`) : [''];
    const cmp = dir === 'ASC' ? '>' : '<';
    /**
     * `limit` rows from `skip` on, in this order, of the rows that also meet one of `conds` (each its own seek), of the
     * filter's arms: one SELECT, or each (cond, arm) read in order up to `limit + skip` rows and merged.
     */
    // The position a page starts after comes first: of two bounds on the same column (a filter's day range and the
    // cursor's key) SQLite seeks the first it meets, and the cursor's is the one that skips the rows before the page.
    const pick = (columns: string, by: string, conds: string[], limit: string) => {
      const parts = conds.flatMap((cond) => arms.map((arm) => `${cond ? `${cond} AND ` : ''}${where}${arm}`));
      if (parts.length === 1) return `SELECT ${columns} FROM contacts c WHERE ${parts[0]} ${orderBy} LIMIT ${limit} OFFSET @skip`;
      return `${parts
        .map((part) => `SELECT * FROM (SELECT ${columns} FROM contacts c WHERE ${part} ${orderBy} LIMIT ${limit} + @skip)`)
        .join(' UNION ALL ')} ORDER BY ${by} ${dir}, id ${dir} LIMIT ${limit} OFFSET @skip`;
    };
    /**
     * Right after (key, id) in this order. Descending, as two seeks of the order's index — the rest of the key's own
     * run of ids, then the keys after it — so a page starts where it should however many contacts share its key (a
     * descending row value `(key, id) < (…)` seeks on the key alone, then reads through every contact with that name
     * or day).
     */
    const after = (columns: string, by: string, limit: string) =>
      pick(
        columns,
        by,
        order.by === 'id'
          ? [`c.id ${cmp} @id`]
          : dir === 'ASC' && !(filter && (order.by === 'added' || order.by === 'consentChanged'))
            ? // Ascending, SQLite seeks a row value on both columns of the index at once (unless a day range of the
              // filter bounds the same column: it then seeks the range's start, not the row value).
              [`(${key}, c.id) > (@key, @id)`]
            : [`${key} = @key AND c.id ${cmp} @id`, `${key} ${cmp} @key`],
        limit,
      );
    /**
     * A page's rows: where its rows lie found first (the order's key and id, from an index where the filter allows;
     * rows skipped on the way to an offset are never read whole), then the page's own rows by id.
     */
    const rowsOf = (positions: string) =>
      `SELECT ${COLUMNS}, ${key} AS sort_key FROM contacts c WHERE c.id IN (SELECT id FROM (${positions})) ${orderBy}`;
    const wordIndex = isWordIndexOrder(query);
    const sql = {
      rows: rowsOf(pick(`${key} AS key, c.id AS id`, 'key', [''], '@limit')),
      // Nothing skipped and no filter (the list's first page, a first letter typed): the page's rows in one read of the
      // order's index, without first finding where they lie and then sorting them again (a search's first keystroke).
      rowsFirst: `SELECT ${COLUMNS}, ${key} AS sort_key FROM contacts c WHERE ${where} ${orderBy} LIMIT @limit OFFSET @skip`,
      rowsAfter: rowsOf(after(`${key} AS key, c.id AS id`, 'key', '@limit')),
      fence: wordIndex
        ? `SELECT rowid AS key, rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match ORDER BY rowid LIMIT 1 OFFSET @skip`
        : pick(`${key} AS key, c.id AS id`, 'key', [''], '1'),
      fenceAfter: wordIndex
        ? `SELECT rowid AS key, rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match AND rowid > @id ORDER BY rowid LIMIT 1 OFFSET @skip`
        : after(`${key} AS key, c.id AS id`, 'key', '1'),
      ids: `${fts} ORDER BY rowid LIMIT @limit OFFSET @skip`,
      idsAfter: `${fts} AND rowid > @id ORDER BY rowid LIMIT @limit OFFSET @skip`,
      byIds: `SELECT ${COLUMNS} FROM contacts WHERE id IN (SELECT value FROM json_each(@ids)) AND ${ACTIVE} ORDER BY id`,
      count:
        source.kind === 'match' && !filter
          ? `SELECT count(*) FROM (${fts} LIMIT @cap)`
          : // In the list's own order: matches spread through it are met early; another index may start with a long
            // run of rows that do not match (the contacts that never had a consent, first in the last-change index).
            // Each arm counted up to the cap (their sum past it is "more than the cap" all the same).
            `SELECT ${arms.map((arm) => `(SELECT count(*) FROM (SELECT 1 FROM contacts c WHERE ${where}${arm} ${orderBy} LIMIT @cap))`).join(' + ')}`,
    }[what];
    stmt = this.db.prepare<Record<string, string | number>, unknown>(sql);
    if (what === 'ids' || what === 'idsAfter' || what === 'count') stmt = stmt.pluck();
    else if (what === 'rows' || what === 'rowsFirst' || what === 'rowsAfter' || what === 'byIds') stmt = stmt.raw();
    this.listStmts.set(name, stmt);
    if (this.listStmts.size > 300) this.listStmts.delete(this.listStmts.keys().next().value!);
    return stmt;
  }

  /** Whether an active contact matches a filter (null: any active contact). */
  matches(id: number, filter: FilterSql | null | undefined): boolean {
    return (
      this.db
        .prepare<Record<string, string | number>, number>(
          `SELECT 1 FROM contacts c WHERE c.id = @id AND c.${ACTIVE}${filter ? ` AND ${filter.sql}` : ''}`,
        )
        .pluck()
        .get({ ...(filter?.params ?? {}), id }) !== undefined
    );
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

/** The order a query is listed in: as asked, else names (ids for a search of the word index). */
function orderOf(query: ListQuery): ListOrder {
  return query.order ?? (query.source.kind === 'match' ? { by: 'id', dir: 'asc' } : NAME_ORDER);
}

/** A search in id order with nothing else to narrow it is read from the word index alone. */
function isWordIndexOrder(query: ListQuery): boolean {
  const order = orderOf(query);
  return query.source.kind === 'match' && !query.filter && order.by === 'id' && order.dir === 'asc';
}

/** A query's name among the remembered ones (its filter's values included; the instant to the minute). */
function queryName(q: ListQuery): string {
  const s = q.source;
  const source = s.kind === 'all' ? 'all' : s.kind === 'prefix' ? `p:${s.key}` : `m:${s.query}`;
  const order = orderOf(q);
  if (!q.filter) return `${source}|${order.by}|${order.dir}`;
  const params = { ...q.filter.params };
  if (typeof params.f_at === 'number') params.f_at = Math.floor(params.f_at / 60_000);
  return `${source}|${order.by}|${order.dir}|${q.filter.sql}|${JSON.stringify(params)}`;
}

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

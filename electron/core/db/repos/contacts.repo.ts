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
  createdAt: number;
  updatedAt: number;
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
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, phone, national_number, name, email, locale, country, external_id, tags, reach, created_at, updated_at';

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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Lower-cased, ё folded to е, spaces collapsed: the sort and prefix key of a name. */
export function nameKey(name: string): string {
  return name.toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
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

/** SQL for contacts. */
export class ContactsRepo {
  private readonly byId;
  private readonly byPhone;
  private readonly insertStmt;
  private readonly pageStmt;
  private readonly countStmt;
  private readonly prefixStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE id = ?`);
    this.byPhone = db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO contacts (phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, created_at, updated_at)
       VALUES (@phone, @nationalNumber, @name, @nameKey, @email, @locale, @country, @externalId, @tags, @reach, @createdAt, @updatedAt)`,
    );
    this.pageStmt = db.prepare<[number, number], ContactRow>(`SELECT ${COLUMNS} FROM contacts ORDER BY name_key, id LIMIT ? OFFSET ?`);
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM contacts');
    this.prefixStmt = db.prepare<[string, string, number, number], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts WHERE name_key >= ? AND name_key < ? ORDER BY name_key, id LIMIT ? OFFSET ?`,
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

  insert(c: Omit<ContactRecord, 'id'>): ContactRecord {
    const info = this.insertStmt.run({ ...c, nameKey: nameKey(c.name), tags: JSON.stringify(c.tags) });
    return { ...c, id: Number(info.lastInsertRowid) };
  }

  update(c: ContactRecord): void {
    this.db
      .prepare(
        `UPDATE contacts SET name = @name, name_key = @nameKey, email = @email, locale = @locale, external_id = @externalId,
         tags = @tags, updated_at = @updatedAt WHERE id = @id`,
      )
      .run({
        id: c.id,
        name: c.name,
        nameKey: nameKey(c.name),
        email: c.email,
        locale: c.locale,
        externalId: c.externalId,
        tags: JSON.stringify(c.tags),
        updatedAt: c.updatedAt,
      });
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
        `SELECT ${COLUMNS} FROM contacts WHERE id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ? OFFSET ?) ORDER BY name_key, id`,
      )
      .all(q, limit, offset);
    return rows.map(toRecord);
  }
}

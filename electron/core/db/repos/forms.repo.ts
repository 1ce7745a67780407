import { Channels, Purposes, type Channel, type Purpose } from '../../../../shared/domain/consent/types';
import type { Db } from '../open';
import { Statements } from './statements';

/** A form version row (times in ms). */
export interface FormRecord {
  id: number;
  code: string;
  formKey: string;
  version: number;
  title: string;
  language: 'en' | 'ru';
  channels: Channel[];
  purposes: Purpose[];
  body: string;
  businessIdentity: string;
  sha256: string;
  createdAt: number;
  firstUsedAt: number | null;
}

interface FormRow {
  id: number;
  code: string;
  form_key: string;
  version: number;
  title: string;
  language: 'en' | 'ru';
  channels: string;
  purposes: string;
  body: string;
  business_identity: string;
  sha256: string;
  created_at: number;
  first_used_at: number | null;
}

const COLUMNS = 'id, code, form_key, version, title, language, channels, purposes, body, business_identity, sha256, created_at, first_used_at';

const toRecord = (r: FormRow): FormRecord => ({
  id: r.id,
  code: r.code,
  formKey: r.form_key,
  version: r.version,
  title: r.title,
  language: r.language,
  channels: listOf(r.channels, Channels),
  purposes: listOf(r.purposes, Purposes),
  body: r.body,
  businessIdentity: r.business_identity,
  sha256: r.sha256,
  createdAt: r.created_at,
  firstUsedAt: r.first_used_at,
});

/**
 * A form's channels or purposes as written: always a JSON array of known values. Anything else was written outside
 * Optin Desk: text that is not such an array reads as none at all and an unknown value is left out, so the form vouches
 * for nothing it did not say — rather than failing every reader of the forms with an internal error, or a JSON string
 * such as "sms" passing a `.includes` check — and its fingerprint no longer matches the one recorded, so `audit verify`
 * names the form as altered.
 */
function listOf<T extends string>(text: string, known: readonly T[]): T[] {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value.filter((v): v is T => (known as readonly unknown[]).includes(v));
  } catch {
    // not JSON: below
  }
  return [];
}

/** SQL for consent wording versions. */
export class FormsRepo {
  private readonly statements: Statements;

  constructor(private readonly db: Db) {
    this.statements = new Statements(db);
  }

  list(): FormRecord[] {
    return this.db.prepare<[], FormRow>(`SELECT ${COLUMNS} FROM form_versions ORDER BY form_key, version DESC`).all().map(toRecord);
  }

  get(id: number): FormRecord | undefined {
    const r = this.statements.get<[number], FormRow>(`SELECT ${COLUMNS} FROM form_versions WHERE id = ?`).get(id);
    return r ? toRecord(r) : undefined;
  }

  byCode(code: string): FormRecord | undefined {
    const r = this.db.prepare<[string], FormRow>(`SELECT ${COLUMNS} FROM form_versions WHERE code = ? COLLATE NOCASE`).get(code);
    return r ? toRecord(r) : undefined;
  }

  /** Next version number of a form key, and how many distinct form keys exist (for the short code). */
  nextVersion(formKey: string): { version: number; keyIndex: number } {
    const v = this.db.prepare<[string], { v: number | null }>('SELECT max(version) AS v FROM form_versions WHERE form_key = ?').get(formKey)?.v ?? 0;
    const keys = this.db
      .prepare<[], { k: string }>('SELECT form_key AS k FROM form_versions GROUP BY form_key ORDER BY min(id)')
      .all()
      .map((r) => r.k);
    const idx = keys.indexOf(formKey);
    return { version: v + 1, keyIndex: idx >= 0 ? idx + 1 : keys.length + 1 };
  }

  insert(f: Omit<FormRecord, 'id'>): FormRecord {
    const info = this.db
      .prepare(
        `INSERT INTO form_versions (code, form_key, version, title, language, channels, purposes, body, business_identity, sha256, created_at, first_used_at)
         VALUES (@code, @formKey, @version, @title, @language, @channels, @purposes, @body, @businessIdentity, @sha256, @createdAt, @firstUsedAt)`,
      )
      .run({ ...f, channels: JSON.stringify(f.channels), purposes: JSON.stringify(f.purposes) });
    return { ...f, id: Number(info.lastInsertRowid) };
  }

  markUsed(id: number, at: number): void {
    this.statements.get('UPDATE form_versions SET first_used_at = ? WHERE id = ? AND first_used_at IS NULL').run(at, id);
  }
}

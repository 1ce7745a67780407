import { Channels, Purposes, type Channel, type Purpose } from '../consent/types';

/** What a column of an imported file can mean. */
export const ColumnFields = [
  'ignore',
  /** Any phone column; a cell may hold several numbers (`:::`, `,`, `;`, `/`). */
  'phone',
  /** A column the source marks as mobile: its numbers are preferred as the contact's number. */
  'mobile_phone',
  'name',
  /** A company or club name (Google's "Organization Name"): the contact's name when the row has no person's name. */
  'organization',
  'first_name',
  'middle_name',
  'last_name',
  'email',
  'external_id',
  'tags',
  'locale',
  'country',
  /** Says whether the person agreed (yes / no / unsubscribed…) for the target's channels and purpose. */
  'consent',
  /** When the consent in this row was given (or withdrawn). */
  'consent_date',
  /** How or where it was collected ("web form", "in-store sheet 12"): evidence the packs require. */
  'consent_source',
  /** A "do not contact" flag: any truthy value withdraws every consent of the row's numbers. */
  'do_not_contact',
] as const;
/** What a column means. */
export type ColumnField = (typeof ColumnFields)[number];

/**
 * The meaning of one column. Consent columns say which channels and purpose they speak for; a
 * `consent_date` or `consent_source` column may be scoped the same way (then it belongs to the consent
 * column with that scope only, as in our own export), otherwise it serves every consent column of the row.
 */
export interface ColumnTarget {
  field: ColumnField;
  /** For `consent` (required) and scoped `consent_date` / `consent_source`: the channels. */
  channels?: Channel[];
  /** For `consent` (required) and scoped `consent_date` / `consent_source`: the purpose. */
  purpose?: Purpose;
}

/** One entry of a mapping: the column's position, its header as read, and its meaning. */
export interface ColumnMapping {
  column: number;
  header: string;
  target: ColumnTarget;
}

/** A recognised export format: header patterns and what each means. */
export interface ImportPreset {
  /** Stable id, e.g. `google-contacts`. */
  id: string;
  /** Name shown to people, e.g. "Google Contacts". */
  name: string;
  /**
   * Header rules, tried in order for each column. `match` is compared to the header after
   * {@link normalizeHeader}; a string matches exactly, a RegExp is tested. A `weak` rule gives its single-valued
   * meaning only when no other column of the file has it (amoCRM's «Дата создания» is the consent date only when the
   * file has no consent date of its own).
   */
  columns: { match: string | RegExp; target: ColumnTarget; weak?: boolean }[];
  /** Normalised headers that must all be present for the preset to be recognised by itself. */
  signature: string[];
  /** Other header sets that recognise the same preset (an export whose spellings changed between versions). */
  altSignatures?: string[][];
}

/** Lower-cased, trimmed, BOM/quotes removed, inner whitespace and `_`/`-`/`.` collapsed to one space, ё→е. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLocaleLowerCase('ru')
    .replace(/ё/g, 'е')
    .replace(/[\s_\-.]+/g, ' ')
    .trim();
}

/** Fields a contact holds once: of two columns with the same meaning the first is read (a scoped date or source is its own). */
export const SINGLE_VALUED_FIELDS: ReadonlySet<ColumnField> = new Set<ColumnField>([
  'name',
  'organization',
  'first_name',
  'middle_name',
  'last_name',
  'email',
  'external_id',
  'locale',
  'country',
  'consent_date',
  'consent_source',
]);

/** True when a second column with this meaning would be ignored (see {@link SINGLE_VALUED_FIELDS}). */
export function isSingleValued(target: ColumnTarget): boolean {
  return SINGLE_VALUED_FIELDS.has(target.field) && target.channels === undefined;
}

/** True for a target naming a known channel set and purpose when the field is `consent`. */
export function isCompleteTarget(t: ColumnTarget): boolean {
  if (t.field !== 'consent') return true;
  return (
    Array.isArray(t.channels) &&
    t.channels.length > 0 &&
    t.channels.every((c) => (Channels as readonly string[]).includes(c)) &&
    t.purpose !== undefined &&
    (Purposes as readonly string[]).includes(t.purpose)
  );
}

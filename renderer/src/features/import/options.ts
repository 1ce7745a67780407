import type { TFunction } from 'i18next';
import type { ColumnTarget } from '../../../../shared/contract/api';

/** Encodings offered for reading a file (iconv-lite names, as the register takes them). */
export const ENCODINGS = ['utf8', 'windows-1251', 'koi8-r', 'cp866', 'utf16le', 'utf16be', 'iso-8859-5', 'windows-1252'];

/** Delimiters a CSV file may use. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The i18n key part for a delimiter. */
export const DELIMITER_KEY: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'bar' };

/** What a column can mean, grouped as the select shows them. */
const FIELD_GROUPS: { group: string; fields: ColumnTarget['field'][] }[] = [
  { group: 'phones', fields: ['phone', 'mobile_phone'] },
  {
    group: 'person',
    fields: ['name', 'organization', 'first_name', 'middle_name', 'last_name', 'email', 'external_id', 'tags', 'locale', 'country'],
  },
  { group: 'consent', fields: ['consent', 'consent_date', 'consent_source', 'do_not_contact'] },
  { group: 'other', fields: ['ignore'] },
];

/** Options for an encoding select; an encoding the register detected outside the list is offered too. */
export function encodingOptions(t: TFunction, current: string): { value: string; label: string }[] {
  const list = ENCODINGS.includes(current) ? ENCODINGS : [current, ...ENCODINGS];
  return list.map((e) => ({ value: e, label: t(`import.encodings.${e}`, { defaultValue: e.toUpperCase() }) }));
}

/** Options for a delimiter select. */
export function delimiterOptions(t: TFunction): { value: string; label: string }[] {
  return DELIMITERS.map((d) => ({ value: d, label: t(`import.delimiters.${DELIMITER_KEY[d]}`) }));
}

/** The grouped options of the "this column is" select. */
export function fieldOptions(t: TFunction): { group: string; items: { value: string; label: string }[] }[] {
  return FIELD_GROUPS.map((g) => ({
    group: t(`import.fieldGroups.${g.group}`),
    items: g.fields.map((f) => ({ value: f, label: t(`importFields.${f}`) })),
  }));
}

/** A delimiter shown in a sentence ("; (semicolon)"). */
export function delimiterName(t: TFunction, d: string): string {
  return t(`import.delimiters.${DELIMITER_KEY[d] ?? 'comma'}`);
}

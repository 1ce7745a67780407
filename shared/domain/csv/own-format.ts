import { Channels, Purposes, type Channel, type Purpose } from '../consent/types';
import type { ImportPreset } from './mapping';
import { localTime, zonedTimeToUtc } from '../time/zones';

/** The identity columns of our own contacts export, in order. */
export const CONTACT_EXPORT_COLUMNS = ['phone', 'name', 'email', 'external_id', 'tags', 'language', 'country', 'other_phones'] as const;

/** The three columns our export writes for each channel × purpose: status, since when, and the proof's summary. */
export function consentColumns(channel: Channel, purpose: Purpose): { status: string; since: string; source: string } {
  return { status: `${channel}_${purpose}`, since: `${channel}_${purpose}_since`, source: `${channel}_${purpose}_source` };
}

/** Every channel × purpose, in the export's order. */
export const CONSENT_CELLS: readonly { channel: Channel; purpose: Purpose }[] = Channels.flatMap((channel) =>
  Purposes.map((purpose) => ({ channel, purpose })),
);

/** The full header of our contacts export. */
export function contactExportHeader(): string[] {
  const out: string[] = [...CONTACT_EXPORT_COLUMNS];
  for (const c of CONSENT_CELLS) {
    const cols = consentColumns(c.channel, c.purpose);
    out.push(cols.status, cols.since, cols.source);
  }
  return out;
}

/** Reads our own contacts export back (a round trip keeps contacts and consent state). */
export const OWN_EXPORT_PRESET: ImportPreset = {
  id: 'optin-desk',
  name: 'Optin Desk export',
  signature: ['phone', 'sms marketing', 'sms marketing since', 'whatsapp marketing'],
  columns: [
    { match: 'phone', target: { field: 'mobile_phone' } },
    { match: 'name', target: { field: 'name' } },
    { match: 'email', target: { field: 'email' } },
    { match: 'external id', target: { field: 'external_id' } },
    { match: 'tags', target: { field: 'tags' } },
    { match: 'language', target: { field: 'locale' } },
    { match: 'country', target: { field: 'country' } },
    { match: 'other phones', target: { field: 'phone' } },
    ...CONSENT_CELLS.flatMap(({ channel, purpose }) => [
      { match: `${channel} ${purpose.replace('_', ' ')}`, target: { field: 'consent' as const, channels: [channel], purpose } },
      { match: `${channel} ${purpose.replace('_', ' ')} since`, target: { field: 'consent_date' as const, channels: [channel], purpose } },
      { match: `${channel} ${purpose.replace('_', ' ')} source`, target: { field: 'consent_source' as const, channels: [channel], purpose } },
    ]),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// The "for a CRM" variant of the contacts export: the same columns with names in the person's language, and in
// Russian the statuses in words and dates as a Russian CRM writes them. README's export section maps each name to
// the machine name above; OWN_EXPORT_PRESET (English names normalise to the machine names) and
// OWN_EXPORT_PRESET_RU read both back.
// ---------------------------------------------------------------------------------------------------------------

/** A language the CRM export names its columns in. */
export type ExportLanguage = 'en' | 'ru';

const IDENTITY_NAMES: Record<ExportLanguage, Record<(typeof CONTACT_EXPORT_COLUMNS)[number], string>> = {
  en: {
    phone: 'Phone',
    name: 'Name',
    email: 'Email',
    external_id: 'External ID',
    tags: 'Tags',
    language: 'Language',
    country: 'Country',
    other_phones: 'Other phones',
  },
  ru: {
    phone: 'Телефон',
    name: 'Полное имя',
    email: 'E-mail',
    external_id: 'Внешний ID',
    tags: 'Теги',
    language: 'Язык',
    country: 'Страна',
    other_phones: 'Другие телефоны',
  },
};

const CHANNEL_NAMES: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };
const PURPOSE_NAMES: Record<ExportLanguage, Record<Purpose, string>> = {
  en: { marketing: 'marketing', service: 'service', personal_data: 'personal data' },
  ru: { marketing: 'реклама', service: 'сервисные', personal_data: 'обработка ПДн' },
};
const SINCE: Record<ExportLanguage, string> = { en: 'since', ru: 'дата' };
const SOURCE: Record<ExportLanguage, string> = { en: 'source', ru: 'источник' };

/** The three consent column names of one cell in a language ("SMS marketing since", «SMS реклама дата»). */
export function crmConsentColumns(channel: Channel, purpose: Purpose, language: ExportLanguage): { status: string; since: string; source: string } {
  const base = `${CHANNEL_NAMES[channel]} ${PURPOSE_NAMES[language][purpose]}`;
  return { status: base, since: `${base} ${SINCE[language]}`, source: `${base} ${SOURCE[language]}` };
}

/** The contacts export's header for a CRM, in `language` (the same columns, in the same order, as {@link contactExportHeader}). */
export function crmContactHeader(language: ExportLanguage): string[] {
  const out: string[] = CONTACT_EXPORT_COLUMNS.map((c) => IDENTITY_NAMES[language][c]);
  for (const c of CONSENT_CELLS) {
    const cols = crmConsentColumns(c.channel, c.purpose, language);
    out.push(cols.status, cols.since, cols.source);
  }
  return out;
}

/** The suppression list's one column for a CRM. */
export function crmPhoneHeader(language: ExportLanguage): string {
  return IDENTITY_NAMES[language].phone;
}

const STATUS_WORDS_RU: Record<string, string> = {
  granted: 'согласие',
  revoked: 'отозвано',
  unproven: 'не подтверждено',
  pending: 'ожидает подтверждения',
  expired: 'истекло',
  none: 'нет',
};

/** A consent status as the CRM export writes it (English keeps the machine word; the import reads both). */
export function crmStatusWord(status: string, language: ExportLanguage): string {
  return language === 'ru' ? (STATUS_WORDS_RU[status] ?? status) : status;
}

const METHOD_WORDS_RU: Record<string, string> = {
  paper_form: 'бумажная анкета',
  qr_keyword: 'QR-код и ключевое слово',
  inbound_keyword: 'ответ сообщением',
  verbal_in_store: 'устно в магазине',
  kiosk: 'киоск',
  web_form: 'веб-форма',
  import: 'импорт',
  provider_feedback: 'от провайдера',
};

/** The words of a proof summary (method, form, sheet, message, file row) in a language. */
export function proofWords(language: ExportLanguage): {
  method: (m: string) => string;
  form: string;
  sheet: string;
  message: string;
  row: string;
} {
  return language === 'ru'
    ? { method: (m) => METHOD_WORDS_RU[m] ?? m, form: 'форма', sheet: 'лист', message: 'сообщение', row: 'строка' }
    : { method: (m) => m, form: 'form', sheet: 'sheet', message: 'message', row: 'row' };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * An instant as a Russian CRM writes a date-time in the shop's zone: `05.03.2025 13:00:00` (with `.250` when it has
 * milliseconds, so our import reads back the very instant). In the hour a clock change makes twice, where the local
 * time names two instants, the instant is written as ISO 8601 with its offset instead.
 */
export function crmLocalDateTime(at: number, timeZone: string): string {
  const { offset } = localTime(at, timeZone);
  const m = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(offset);
  const offsetMs = m ? (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000 : 0;
  const wall = new Date(at + offsetMs);
  const [y, mo, d, h, mi, s, ms] = [
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  ];
  if (zonedTimeToUtc(y, mo, d, h, mi, s, timeZone) + ms !== at) return `${wall.toISOString().slice(0, 23)}${offset}`;
  return `${pad(d)}.${pad(mo)}.${y} ${pad(h)}:${pad(mi)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ''}`;
}

/** Reads the Russian CRM variant of our contacts export back (the English one is read by {@link OWN_EXPORT_PRESET}). */
export const OWN_EXPORT_PRESET_RU: ImportPreset = {
  id: 'optin-desk-ru',
  name: 'Optin Desk export (Russian column names)',
  signature: ['телефон', 'sms реклама', 'sms реклама дата', 'whatsapp реклама'],
  columns: [
    { match: 'телефон', target: { field: 'mobile_phone' } },
    { match: 'полное имя', target: { field: 'name' } },
    { match: 'e-mail', target: { field: 'email' } },
    { match: 'внешний id', target: { field: 'external_id' } },
    { match: 'теги', target: { field: 'tags' } },
    { match: 'язык', target: { field: 'locale' } },
    { match: 'страна', target: { field: 'country' } },
    { match: 'другие телефоны', target: { field: 'phone' } },
    ...CONSENT_CELLS.flatMap(({ channel, purpose }) => {
      const cols = crmConsentColumns(channel, purpose, 'ru');
      return [
        { match: cols.status, target: { field: 'consent' as const, channels: [channel], purpose } },
        { match: cols.since, target: { field: 'consent_date' as const, channels: [channel], purpose } },
        { match: cols.source, target: { field: 'consent_source' as const, channels: [channel], purpose } },
      ];
    }),
  ],
};

/**
 * Days and times typed in the app's language (see DateField.tsx): the order and separator of a day in the UI
 * language, and the parsing and writing of what is typed. Pure: no React, no DOM beyond `navigator.language`.
 */

export type Order = 'dmy' | 'mdy';

/** The order and separator of a day in the UI language. */
export function dayPattern(
  language: string,
  browser: string = typeof navigator !== 'undefined' ? navigator.language : 'en-GB',
): { order: Order; sep: string; locale: 'ru' | 'en' } {
  if (language.startsWith('ru')) return { order: 'dmy', sep: '.', locale: 'ru' };
  const english = browser.toLowerCase().startsWith('en') ? browser : 'en-GB';
  const parts = new Intl.DateTimeFormat(english, { day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(new Date(2026, 2, 1));
  const order = parts.findIndex((p) => p.type === 'month') < parts.findIndex((p) => p.type === 'day') ? 'mdy' : 'dmy';
  return { order, sep: parts.find((p) => p.type === 'literal')?.value.trim() || '/', locale: 'en' };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` when y, m, d make a day of the calendar, else null. */
function isoDay(y: number, m: number, d: number): string | null {
  if (!(y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A typed day in the UI's order (any of . / - as separator) or as ISO; null when it is not one. */
export function parseDay(text: string, order: Order): string | null {
  const s = text.trim();
  const iso = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const m = s.match(/^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/);
  if (!m) return null;
  const [a, b, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return order === 'dmy' ? isoDay(y, b, a) : isoDay(y, a, b);
}

/** A typed date and time (24-hour) in the UI's order or as ISO; `YYYY-MM-DDTHH:mm`, or null when it is not one. */
export function parseDateTime(text: string, order: Order): string | null {
  const s = text.trim();
  const m = s.match(/^(.+?)(?:[ T,]+)(\d{1,2}):(\d{2})$/);
  if (!m) return null;
  const day = parseDay(m[1]!, order);
  const [h, min] = [Number(m[2]), Number(m[3])];
  if (!day || h > 23 || min > 59) return null;
  return `${day}T${pad(h)}:${pad(min)}`;
}

/** A `YYYY-MM-DD` day written in the UI's order. */
export function formatDay(iso: string, order: Order, sep: string): string {
  const m = iso.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (!m) return iso;
  return order === 'dmy' ? `${m[3]}${sep}${m[2]}${sep}${m[1]}` : `${m[2]}${sep}${m[3]}${sep}${m[1]}`;
}

/** `YYYY-MM-DDTHH:mm` written in the UI's order. */
export function formatDateTime(iso: string, order: Order, sep: string): string {
  const m = iso.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/);
  return m ? `${formatDay(m[1]!, order, sep)} ${m[2]}` : iso;
}

/** A complete `YYYY-MM-DDTHH:mm` (what a date-and-time field hands on once what was typed is one). */
export const isLocalDateTime = (value: string): boolean => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value);

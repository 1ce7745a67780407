import { zonedTimeToUtc } from '../time/zones';

/**
 * A date read from a file, or why it could not be. `other`: the instant of the other reading of a slash date that
 * could be either day/month or month/day (only when `eitherOrder`, and only when both are real days).
 */
export type DateResult = { ok: true; ms: number; other?: number } | { ok: false; reason: string };

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?$/i;
const DOTTED = /^(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})(?:[,\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?\s*(am|pm)?)?$/i;

/**
 * Read a date as CRMs write it: ISO 8601 (with or without time and offset), `dd.mm.yyyy` (Russian and
 * German style, with `hh:mm[:ss[.mmm]]`), `dd/mm/yyyy` or, when `monthFirst` (US files), `mm/dd/yyyy`, optional `hh:mm[:ss] [am|pm]`,
 * or Unix seconds/milliseconds. A time without an offset is wall-clock time in `timeZone`; a date alone is
 * the start of that day there. With `eitherOrder` (files from a country that writes slash dates both ways, as Canada
 * does), a slash date whose two first numbers are both 12 or less, and differ, is read `monthFirst` and the other
 * reading is given too (`other`), for the caller to choose the one that is safe for what the date dates.
 */
export function parseDateCell(cell: string, options: { timeZone: string; monthFirst: boolean; eitherOrder?: boolean }): DateResult {
  const text = cell.trim();
  if (text === '') return { ok: false, reason: 'empty date' };
  if (/^\d{10}$|^\d{13}$/.test(text)) {
    const ms = text.length === 10 ? Number(text) * 1000 : Number(text);
    return { ok: true, ms };
  }
  let m = ISO.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    if (!validDate(y, mo, d, h, mi, s)) return { ok: false, reason: `"${text.slice(0, 40)}" is not a real date` };
    // Fractions of a second down to the millisecond (our export writes them; finer digits are dropped).
    const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const zone = m[8];
    if (zone) {
      if (/^(z|utc|gmt)$/i.test(zone)) return { ok: true, ms: Date.UTC(y, mo - 1, d, h, mi, s) + frac };
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.replace(/\D/g, '');
      const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
      return { ok: true, ms: Date.UTC(y, mo - 1, d, h, mi, s) + frac - offset };
    }
    return { ok: true, ms: zonedTimeToUtc(y, mo, d, h, mi, s, options.timeZone) + frac };
  }
  m = DOTTED.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    // Dots are day-first everywhere; slashes follow the file's country.
    // Slashes either way (eitherOrder): a date only one reading makes real is read that way (25/11/2026, 11/25/2026).
    const either = m[2] === '/' && options.eitherOrder === true;
    const monthFirst = m[2] === '/' && (either ? (options.monthFirst ? a <= 12 || b > 12 : b > 12 && a <= 12) : options.monthFirst);
    const d = monthFirst ? b : a;
    const mo = monthFirst ? a : b;
    let y = Number(m[4]);
    if (m[4]!.length === 2) y += y >= 70 ? 1900 : 2000;
    let h = Number(m[5] ?? 0);
    const mi = Number(m[6] ?? 0);
    const s = Number(m[7] ?? 0);
    // Milliseconds, as our CRM export writes a time that has them (05.03.2025 13:00:00.250).
    const frac = m[8] ? Number(m[8].padEnd(3, '0')) : 0;
    const ampm = m[9]?.toLowerCase();
    if (ampm) {
      if (h < 1 || h > 12) return { ok: false, reason: `"${text.slice(0, 40)}" has an impossible hour` };
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    if (!validDate(y, mo, d, h, mi, s)) return { ok: false, reason: `"${text.slice(0, 40)}" is not a real date` };
    const ms = zonedTimeToUtc(y, mo, d, h, mi, s, options.timeZone) + frac;
    if (either && a !== b && a <= 12 && b <= 12) return { ok: true, ms, other: zonedTimeToUtc(y, d, mo, h, mi, s, options.timeZone) + frac };
    return { ok: true, ms };
  }
  return { ok: false, reason: `"${text.slice(0, 40)}" is not a date this import can read (use e.g. 2024-03-05 or 05.03.2024)` };
}

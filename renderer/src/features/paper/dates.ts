/** The date written on a paper sheet, as staff type it: DD.MM.YYYY in Russian, YYYY-MM-DD in English (either is understood). */

/** Today's date (YYYY-MM-DD) on the shop's calendar. */
export function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

function valid(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A typed date as YYYY-MM-DD, or null when it does not read as a real date. Understands 2026-03-05, 05.03.2026,
 * 5.3.26 and 5.3 (this year on the shop's calendar).
 */
export function parseSheetDate(text: string, today: string): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[.,/](\d{1,2})[.,/](\d{2}|\d{4})$/.exec(s);
  if (m) {
    const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return valid(y, Number(m[2]), Number(m[1]));
  }
  m = /^(\d{1,2})[.,/](\d{1,2})\.?$/.exec(s);
  if (m) return valid(Number(today.slice(0, 4)), Number(m[2]), Number(m[1]));
  return null;
}

/** YYYY-MM-DD as staff type it in `lang`. */
export function formatSheetDate(iso: string, lang: string): string {
  if (!lang.startsWith('ru')) return iso;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** YYYY-MM-DD moved by `days`. */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** YYYY-MM-DD in words, with the weekday, so a mistyped date stands out ("Thu, 5 Mar" / "чт, 5 мар."); the year when asked. */
export function describeDate(iso: string, lang: string, withYear = false): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(lang.startsWith('ru') ? 'ru-RU' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The shop-calendar day of an instant (YYYY-MM-DD). */
export function dayOf(isoInstant: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(isoInstant));
  } catch {
    return isoInstant.slice(0, 10);
  }
}

import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** An ISO instant shown in the shop's time zone. */
export function formatDateTime(iso: string | null, timeZone: string | undefined, lang: string): string {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString();
  }
}

/** A calendar day ("2026-12-07") as people write it: 07.12.2026 in Russian, 7 Dec 2026 in English; anything else as it is. */
export function formatDay(day: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  // Not a day of the calendar (2026-02-30, as someone typed it): as it is.
  if (new Date(at).toISOString().slice(0, 10) !== day) return day;
  if (lang.startsWith('ru')) return `${d}.${mo}.${y}`;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/** An E.164 number in its international written form. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The wall-clock fields of an instant in a time zone. */
function zoneParts(instant: Date, timeZone: string): Record<string, string> {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, p) => ((acc[p.type] = p.value), acc), {});
}

/** A datetime-local value (shop wall time) → ISO with the shop zone's offset at that moment. */
export function localInputToIso(value: string, timeZone: string): string {
  // Interpret the wall time in the shop zone: find the offset that zone had at that instant.
  const asUtc = Date.parse(`${value}:00Z`);
  const parts = zoneParts(new Date(asUtc), timeZone);
  const zoneWall = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`);
  return new Date(asUtc - (zoneWall - asUtc)).toISOString();
}

/** Now as a datetime-local value in the shop zone. */
export function nowLocalInput(timeZone: string): string {
  return isoToLocalInput(new Date().toISOString(), timeZone);
}

/** An ISO instant as a datetime-local value (shop wall time) in the shop zone. */
export function isoToLocalInput(iso: string, timeZone: string): string {
  const parts = zoneParts(new Date(iso), timeZone);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** A count with the language's digit grouping. */
export function formatNumber(n: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB').format(n);
}

/** A country's name in the UI language, with its code when the name is not known. */
export function countryName(code: string, lang: string): string {
  try {
    const name = new Intl.DisplayNames([lang === 'ru' ? 'ru' : 'en'], { type: 'region' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

/** A file size in bytes, KB or MB, in the language's style. */
export function formatBytes(bytes: number, lang: string): string {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  if (bytes < 1024) return `${formatNumber(bytes, lang)} ${lang === 'ru' ? 'Б' : 'bytes'}`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'kilobyte'] : [bytes / 1024 / 1024, 'megabyte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

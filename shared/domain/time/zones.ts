/**
 * Time zones in one place: every reading of an IANA zone (its offset, a local day, a local clock time, a send
 * window) goes through here, with one formatter per zone and the caches that keep linting and reports fast.
 * Pure: no I/O, runs in the renderer, the core and the CLI alike.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One formatter per zone (null: a zone this runtime does not know); Intl is slow to build. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    // Zone names come from settings, contacts and input; a flood of made-up ones must not grow this for ever.
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** The offset (ms, to the second) of the zone whose formatter is `f` at exactly `at`. */
function offsetAtInstant(at: number, f: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(at / 1000) * 1000;
}

function unknownZone(timeZone: string): RangeError {
  return new RangeError(`Invalid time zone specified: ${timeZone}`);
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  return formatter(tz) !== null;
}

const offsets = new Map<string, number>();

/** The zone's offset from UTC in ms at an instant, or null for an unknown zone; cached per zone and UTC hour (offsets change on the hour). */
export function zoneOffset(at: number, timeZone: string): number | null {
  const hour = Math.floor(at / HOUR);
  const key = `${timeZone}|${hour}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const f = formatter(timeZone);
  if (!f) return null;
  const offset = offsetAtInstant(hour * HOUR, f);
  if (offsets.size > 100_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The UTC instant of a wall-clock time in an IANA time zone; throws a RangeError for an unknown zone. */
export function zonedTimeToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const offsetAt = (ms: number): number => {
    const offset = zoneOffset(ms, timeZone);
    if (offset === null) throw unknownZone(timeZone);
    return offset;
  };
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let guess = wall - offsetAt(wall);
  // A second pass settles instants near a daylight-saving change.
  guess = wall - offsetAt(guess);
  return guess;
}

/**
 * US territories by their NANP area codes: each keeps its own zone, outside the mainland zones a US pack assumes for
 * a number whose zone it does not know (Puerto Rico and the Virgin Islands on Atlantic time, Guam and the Northern
 * Marianas ten hours ahead of UTC, American Samoa eleven behind).
 */
const TERRITORY_ZONES: Readonly<Record<string, string>> = {
  '787': 'America/Puerto_Rico',
  '939': 'America/Puerto_Rico',
  '340': 'America/St_Thomas',
  '671': 'Pacific/Guam',
  '670': 'Pacific/Saipan',
  '684': 'Pacific/Pago_Pago',
};

/** The time zone a number (E.164) is known to be in from the number alone, or null: today the US territories'. */
export function numberTimeZone(phone: string): string | null {
  return phone.length === 12 && phone.startsWith('+1') ? (TERRITORY_ZONES[phone.slice(2, 5)] ?? null) : null;
}

/** Minutes since local midnight in a zone, or null for a zone this runtime does not know. */
export function localMinutes(at: number, timeZone: string): number | null {
  const offset = zoneOffset(at, timeZone);
  if (offset === null) return null;
  const minutes = Math.floor((at + offset) / MINUTE);
  return ((minutes % 1440) + 1440) % 1440;
}

/** A daily window of local clock times, "HH:MM" to "HH:MM" (end excluded). */
export interface DailyWindow {
  start: string;
  end: string;
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Zones (of those given) where `at` falls outside the window; an unknown zone is never outside. */
export function zonesOutside(at: number, zones: readonly string[], window: DailyWindow): string[] {
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  return zones.filter((z) => {
    const local = localMinutes(at, z);
    return local !== null && (local < start || local >= end);
  });
}

/**
 * The first moment at or after `from` inside the window in every zone, or null within 8 days. Only two kinds
 * of instant can be that moment: `from` itself, or the opening of the window in one of the zones.
 */
export function nextAllowed(from: number, zones: readonly string[], window: DailyWindow): number | null {
  const start = toMinutes(window.start);
  const candidates = [from];
  for (const z of zones) {
    const local = localMinutes(from, z);
    if (local === null) continue;
    // Today's opening in that zone, then the next eight.
    const opening = from + (start - local) * MINUTE - (from % MINUTE);
    for (let d = 0; d <= 8; d++) {
      const t = opening + d * DAY;
      // A DST change moves the opening by the offset difference; correct with the offset at that instant.
      const drift = (localMinutes(t, z) ?? start) - start;
      const fixed = t - (drift > 720 ? drift - 1440 : drift < -720 ? drift + 1440 : drift) * MINUTE;
      if (fixed >= from) candidates.push(fixed);
    }
  }
  candidates.sort((a, b) => a - b);
  for (const t of candidates) if (zonesOutside(t, zones, window).length === 0) return t;
  return null;
}

/** A time as a zone's clock shows it, with its offset from UTC. */
export interface LocalTime {
  /** e.g. "2026-03-01" */
  date: string;
  /** e.g. "12:00" */
  time: string;
  /** e.g. "+03:00" ("+02:30:17" for an old local mean time) */
  offset: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** An offset in ms as "+03:00", "-03:30" or "+00:00" (seconds only when there are any). */
function offsetText(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const s = seconds % 60;
  return `${ms < 0 ? '-' : '+'}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}${s ? `:${pad2(s)}` : ''}`;
}

/** Recent minutes already worked out (a batch's hand-offs crowd into few minutes; Intl is slow per call). */
const minutes = new Map<string, LocalTime>();

/** `at` in `timeZone`: "2026-03-01", "12:00", "+03:00"; cached per zone and minute; throws a RangeError for an unknown zone. */
export function localTime(at: number, timeZone: string): LocalTime {
  const minute = Math.floor(at / MINUTE);
  const key = `${timeZone} ${minute}`;
  const known = minutes.get(key);
  if (known) return known;
  const f = formatter(timeZone);
  if (!f) throw unknownZone(timeZone);
  // The hourly offsets when the hour has one offset throughout; the very instant's when it changes inside the
  // hour (Lord Howe moves its clocks at 15:30 UTC), so a report prints every time right.
  const here = zoneOffset(at, timeZone)!;
  const offset = here === zoneOffset((Math.floor(at / HOUR) + 1) * HOUR, timeZone) ? here : offsetAtInstant(at, f);
  const wall = new Date(at + offset).toISOString();
  const t: LocalTime = { date: wall.slice(0, 10), time: wall.slice(11, 16), offset: offsetText(offset) };
  if (minutes.size >= 4096) minutes.clear();
  minutes.set(key, t);
  return t;
}

/** The day `at` falls on by the zone's calendar, "YYYY-MM-DD"; throws a RangeError for an unknown zone. */
export function localDay(at: number, timeZone: string): string {
  return localTime(at, timeZone).date;
}

import type { LintRule } from '../types';

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const offsets = new Map<string, number>();
const HOUR = 3_600_000;

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC in ms at an instant; cached per zone and hour (offsets change on the hour at most). */
function offsetAt(at: number, timeZone: string): number | null {
  const key = `${timeZone}|${Math.floor(at / HOUR)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const f = formatter(timeZone);
  if (!f) return null;
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  const offset = local - Math.floor(at / 60_000) * 60_000;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** Minutes since local midnight in a zone, or null for a zone this runtime does not know. */
export function localMinutes(at: number, timeZone: string): number | null {
  const offset = offsetAt(at, timeZone);
  if (offset === null) return null;
  const minutes = Math.floor((at + offset) / 60_000);
  return ((minutes % 1440) + 1440) % 1440;
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Zones (of those given) where `at` falls outside the window. */
export function zonesOutside(at: number, zones: readonly string[], window: { start: string; end: string }): string[] {
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  return zones.filter((z) => {
    const local = localMinutes(at, z);
    return local !== null && (local < start || local >= end);
  });
}

const DAY = 24 * HOUR;

/**
 * The first moment at or after `from` inside the window in every zone, or null within 8 days. Only two kinds
 * of instant can be that moment: `from` itself, or the opening of the window in one of the zones.
 */
export function nextAllowed(from: number, zones: readonly string[], window: { start: string; end: string }): number | null {
  const start = toMinutes(window.start);
  const candidates = [from];
  for (const z of zones) {
    const local = localMinutes(from, z);
    if (local === null) continue;
    // Today's opening in that zone, then the next eight.
    const opening = from + (start - local) * 60_000 - (from % 60_000);
    for (let d = 0; d <= 8; d++) {
      const t = opening + d * DAY;
      // A DST change moves the opening by the offset difference; correct with the offset at that instant.
      const drift = (localMinutes(t, z) ?? start) - start;
      const fixed = t - (drift > 720 ? drift - 1440 : drift < -720 ? drift + 1440 : drift) * 60_000;
      if (fixed >= from) candidates.push(fixed);
    }
  }
  candidates.sort((a, b) => a - b);
  for (const t of candidates) if (zonesOutside(t, zones, window).length === 0) return t;
  return null;
}

/** LINT-QUIET-HOURS: the planned send time lies in the send window in every recipient's zone. */
export const quietHours: LintRule = {
  meta: {
    id: 'LINT-QUIET-HOURS',
    severity: 'warning',
    purposes: ['marketing'],
    title: { en: 'Sent inside the send window', ru: 'Отправка в разрешённое время' },
    source: '47 CFR 64.1200(c)(1) (US 08:00–21:00 recipient-local); the pack’s or the shop’s send window',
  },
  check(ctx, report) {
    const sendAt = ctx.input.sendAt ? Date.parse(ctx.input.sendAt) : NaN;
    if (!Number.isFinite(sendAt)) return;
    const law = ctx.pack.quietHours;
    const window = law ?? ctx.pack.messaging.recommendedSendWindow;
    if (!window) return;
    const zones = ctx.input.recipientTimeZones?.length
      ? ctx.input.recipientTimeZones
      : ctx.pack.messaging.defaultRecipientTimeZones.length
        ? ctx.pack.messaging.defaultRecipientTimeZones
        : [ctx.profile.timezone];
    const outside = zonesOutside(sendAt, zones, window);
    if (outside.length === 0) return;
    const next = nextAllowed(sendAt, zones, window);
    const shown = outside.slice(0, 3).join(', ') + (outside.length > 3 ? ` +${outside.length - 3}` : '');
    const basis = law ? { en: 'the law', ru: 'закон' } : { en: 'good practice', ru: 'правила операторов' };
    report({
      start: 0,
      end: 0,
      target: 'sendAt',
      severity: law ? 'error' : 'warning',
      message: {
        en: `Planned time is outside ${window.start}–${window.end} local time in ${shown} (${basis.en}${law ? '' : `: ${ctx.pack.messaging.recommendedSendWindowSource}`}); such messages are held until the window opens`,
        ru: `Запланированное время вне окна ${window.start}–${window.end} по местному времени (${shown}; ${basis.ru}${law ? '' : `: ${ctx.pack.messaging.recommendedSendWindowSource}`}); такие сообщения ждут открытия окна`,
      },
      fix:
        next === null
          ? undefined
          : {
              label: {
                en: `Send at ${new Date(next).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
                ru: `Отправить в ${new Date(next).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
              },
              edits: [],
              sendAt: new Date(next).toISOString(),
            },
    });
  },
};

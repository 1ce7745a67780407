import type { HealthThresholds } from '../policy/policy';
import { localDay, zonedTimeToUtc } from '../time/zones';

/**
 * Monitoring after sending (issue #16 point 5; the seed articles: "monitor complaints, process opt-outs promptly"):
 * per campaign and per ISO week of the shop's calendar — messages handed off, delivered, failed by reason, opt-outs
 * by recipients within the pack's window after their message, complaints, WhatsApp quality signals — with rates, and
 * warnings where a campaign crossed its pack's thresholds. Pure: the rows come in, the figures go out.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One outbox row as the health figures need it. */
export interface HealthRecipient {
  campaign: number;
  contactId: number;
  /** sent, delivered, read, failed, undeliverable, unknown (queued, sending and skipped rows are not passed). */
  status: string;
  /** The provider's code and words for a failure (null when none was given). */
  reason: string | null;
  /** When the provider took it; null when it was refused before taking it. */
  handedOffAt: number | null;
  /** When the row last changed (the failure's time for a refused one). */
  updatedAt: number;
}

/** A campaign the figures are about. */
export interface HealthCampaign {
  id: number;
  name: string;
  channel: string;
  purpose: string;
}

/** A marketing opt-out (a revocation) by a contact. */
export interface HealthOptOut {
  contactId: number;
  at: number;
}

/** A complaint recorded against a contact. */
export interface HealthComplaint {
  contactId: number;
  at: number;
}

/** What a quality signal is about: the business number's quality rating, a template's status or its quality score. */
export const QUALITY_TOPICS = ['phone_quality', 'template_status', 'template_quality'] as const;
export type QualityTopic = (typeof QUALITY_TOPICS)[number];

/** A WhatsApp quality signal (phone number quality rating or template quality), as a provider reported it. */
export interface HealthQualitySignal {
  at: number;
  provider: string;
  topic: QualityTopic;
  /** e.g. GREEN, YELLOW, RED, FLAGGED, PAUSED, DISABLED. */
  rating: string;
  detail: string;
}

/** What the computation is given. */
export interface HealthInput {
  now: number;
  timeZone: string;
  /** How many ISO weeks, the current one included. */
  weeks: number;
  thresholds: HealthThresholds;
  campaigns: HealthCampaign[];
  recipients: HealthRecipient[];
  optOuts: HealthOptOut[];
  complaints: HealthComplaint[];
  /** null when this register stores no quality signals (shown as such, never as "all good"). */
  quality: HealthQualitySignal[] | null;
}

/** Rates are fractions (0.02 = 2 %), null when nothing was handed off (no division by zero). */
export interface HealthRates {
  delivered: number | null;
  failed: number | null;
  optOut: number | null;
  complaint: number | null;
}

/** One campaign's figures. */
export interface CampaignHealth {
  campaign: number;
  name: string;
  channel: string;
  purpose: string;
  /** The first hand-off (null when nothing was handed off). */
  startedAt: number | null;
  /** The ISO week of the first hand-off (or of the first failure), e.g. "2026-W10". */
  week: string | null;
  handedOff: number;
  delivered: number;
  failed: number;
  failedByReason: Record<string, number>;
  /** Recipients who opted out within the window after their message (their latest message before the opt-out). */
  optOuts: number;
  complaints: number;
  rates: HealthRates;
}

/** One ISO week's figures. */
export interface WeekHealth {
  week: string;
  /** Monday of the week, by the shop's calendar. */
  from: string;
  handedOff: number;
  delivered: number;
  failed: number;
  failedByReason: Record<string, number>;
  /** Opt-outs in the week within the window after a campaign message. */
  optOuts: number;
  /** People who opted out of marketing in the week, whatever prompted it. */
  optOutsAll: number;
  /** Complaints in the week within the window after a campaign message. */
  complaints: number;
  complaintsAll: number;
  quality: number;
  rates: HealthRates;
}

/** A threshold crossed, with the numbers behind it. */
export interface HealthWarning {
  kind: 'opt_out_rate' | 'complaint_rate' | 'quality';
  campaign: number | null;
  campaignName: string | null;
  /** Opt-outs or complaints (1 for a quality signal). */
  count: number;
  /** Messages handed off by the campaign (0 for a quality signal). */
  handedOff: number;
  rate: number | null;
  threshold: number | null;
  /** The window the count covers, in hours. */
  windowHours: number | null;
  at: number;
  /** The quality rating and the provider's words, for a quality signal. */
  detail: string | null;
}

/** The whole report. */
export interface HealthReport {
  from: number;
  to: number;
  timeZone: string;
  thresholds: HealthThresholds;
  campaigns: CampaignHealth[];
  weeks: WeekHealth[];
  quality: { stored: boolean; signals: HealthQualitySignal[] };
  warnings: HealthWarning[];
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The ISO-8601 week of a calendar date "YYYY-MM-DD": "2026-W01"; the week belongs to the year of its Thursday. */
export function isoWeekOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = t + (3 - dow) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY / 7) + 1;
  return `${year}-W${pad2(week)}`;
}

/** The Monday of a calendar date's ISO week, "YYYY-MM-DD". */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * DAY).toISOString().slice(0, 10);
}

/** The ISO week an instant falls in by the zone's calendar. */
export function isoWeekAt(at: number, timeZone: string): string {
  return isoWeekOf(localDay(at, timeZone));
}

/**
 * The report's span: from Monday 00:00 (shop's time) of the week `weeks - 1` weeks before the current one, to now;
 * the weeks in order, each with its Monday.
 */
export function healthSpan(now: number, weeks: number, timeZone: string): { from: number; weeks: { week: string; from: string }[] } {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError(`weeks: ${weeks} is not a whole number of at least 1`);
  const monday = mondayOf(localDay(now, timeZone));
  const [y, m, d] = monday.split('-').map(Number) as [number, number, number];
  const list: { week: string; from: string }[] = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const day = new Date(Date.UTC(y, m - 1, d) - i * 7 * DAY).toISOString().slice(0, 10);
    list.push({ week: isoWeekOf(day), from: day });
  }
  const [fy, fm, fd] = list[0]!.from.split('-').map(Number) as [number, number, number];
  return { from: zonedTimeToUtc(fy, fm, fd, 0, 0, 0, timeZone), weeks: list };
}

const QUARTER_HOUR = 15 * 60_000;
const HANDED_OFF = new Set(['sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown']);
const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'undeliverable']);
/** Quality ratings that are fine: no warning. */
const GOOD_RATINGS = new Set(['GREEN', 'HIGH', 'UNKNOWN', 'NA', 'APPROVED', 'CONNECTED']);

/** A failure's reason as a grouping key: the provider's code when the text starts with one, else the text. */
export function failureKey(reason: string | null): string {
  if (!reason || !reason.trim()) return 'unknown';
  const code = /^\s*([A-Za-z_]*\d[\w.-]*|[a-z]+(?:_[a-z]+)+)(?=[\s:—-]|$)/.exec(reason);
  return code ? code[1]! : reason.trim().slice(0, 60);
}

function rates(handedOff: number, attempted: number, delivered: number, failed: number, optOuts: number, complaints: number): HealthRates {
  const of = (n: number, base: number): number | null => (base > 0 ? n / base : null);
  return { delivered: of(delivered, handedOff), failed: of(failed, attempted), optOut: of(optOuts, handedOff), complaint: of(complaints, handedOff) };
}

/** The latest hand-off to each contact, in time order, to attribute an opt-out or complaint to the message before it. */
function lastMessageBefore(
  byContact: Map<number, { at: number; campaign: number }[]>,
  contactId: number,
  at: number,
): { at: number; campaign: number } | null {
  const list = byContact.get(contactId);
  if (!list) return null;
  let best: { at: number; campaign: number } | null = null;
  for (const h of list) {
    if (h.at > at) break;
    best = h;
  }
  return best;
}

/** The figures and warnings (see the module comment). */
export function computeHealth(input: HealthInput): HealthReport {
  const { timeZone, thresholds } = input;
  const span = healthSpan(input.now, input.weeks, timeZone);
  const optOutWindow = thresholds.optOutWindowHours * HOUR;
  const complaintWindow = thresholds.complaintWindowDays * DAY;
  // Every zone's offset is a whole number of quarter hours, so a quarter hour never straddles a local midnight: the
  // week is worked out once per quarter hour, not once per recipient (a campaign's hand-offs share a few of them).
  const weekByQuarter = new Map<number, string>();
  const weekOf = (at: number): string => {
    const quarter = Math.floor(at / QUARTER_HOUR);
    let week = weekByQuarter.get(quarter);
    if (week === undefined) weekByQuarter.set(quarter, (week = isoWeekAt(at, timeZone)));
    return week;
  };
  const inSpan = (at: number) => at >= span.from && at <= input.now;

  const names = new Map(input.campaigns.map((c) => [c.id, c]));
  const byCampaign = new Map<number, CampaignHealth>();
  const campaignOf = (id: number): CampaignHealth => {
    let c = byCampaign.get(id);
    if (!c) {
      const meta = names.get(id);
      c = {
        campaign: id,
        name: meta?.name ?? `#${id}`,
        channel: meta?.channel ?? '',
        purpose: meta?.purpose ?? '',
        startedAt: null,
        week: null,
        handedOff: 0,
        delivered: 0,
        failed: 0,
        failedByReason: {},
        optOuts: 0,
        complaints: 0,
        rates: { delivered: null, failed: null, optOut: null, complaint: null },
      };
      byCampaign.set(id, c);
    }
    return c;
  };
  const weeks = new Map<string, WeekHealth>(
    span.weeks.map((w) => [
      w.week,
      {
        week: w.week,
        from: w.from,
        handedOff: 0,
        delivered: 0,
        failed: 0,
        failedByReason: {},
        optOuts: 0,
        optOutsAll: 0,
        complaints: 0,
        complaintsAll: 0,
        quality: 0,
        rates: { delivered: null, failed: null, optOut: null, complaint: null },
      },
    ]),
  );
  const weekRow = (at: number): WeekHealth | undefined => (inSpan(at) ? weeks.get(weekOf(at)) : undefined);

  // Hand-offs per contact, oldest first, for attribution; campaigns' first activity.
  const handoffs = new Map<number, { at: number; campaign: number }[]>();
  const firstActivity = new Map<number, number>();
  const attempted = new Map<number, number>();
  const weekAttempted = new Map<string, number>();
  for (const r of input.recipients) {
    if (!HANDED_OFF.has(r.status)) continue;
    const c = campaignOf(r.campaign);
    const at = r.handedOffAt ?? r.updatedAt;
    firstActivity.set(r.campaign, Math.min(firstActivity.get(r.campaign) ?? Infinity, at));
    attempted.set(r.campaign, (attempted.get(r.campaign) ?? 0) + 1);
    const w = weekRow(at);
    if (w) weekAttempted.set(w.week, (weekAttempted.get(w.week) ?? 0) + 1);
    if (r.handedOffAt !== null) {
      c.handedOff++;
      c.startedAt = c.startedAt === null ? r.handedOffAt : Math.min(c.startedAt, r.handedOffAt);
      const list = handoffs.get(r.contactId) ?? [];
      list.push({ at: r.handedOffAt, campaign: r.campaign });
      handoffs.set(r.contactId, list);
      if (w) w.handedOff++;
    }
    if (DELIVERED.has(r.status)) {
      c.delivered++;
      if (w) w.delivered++;
    }
    if (FAILED.has(r.status)) {
      const key = failureKey(r.reason);
      c.failed++;
      c.failedByReason[key] = (c.failedByReason[key] ?? 0) + 1;
      if (w) {
        w.failed++;
        w.failedByReason[key] = (w.failedByReason[key] ?? 0) + 1;
      }
    }
  }
  for (const list of handoffs.values()) list.sort((a, b) => a.at - b.at || a.campaign - b.campaign);

  // Opt-outs: one per contact and campaign, attributed to the contact's latest message before it, within the window.
  // A revocation of all marketing is one event per channel: one person in a week counts once.
  const counted = new Set<string>();
  const weekPeople = new Set<string>();
  for (const o of [...input.optOuts].sort((a, b) => a.at - b.at)) {
    const w = weekRow(o.at);
    if (w && !weekPeople.has(`${w.week}/${o.contactId}`)) {
      weekPeople.add(`${w.week}/${o.contactId}`);
      w.optOutsAll++;
    }
    const last = lastMessageBefore(handoffs, o.contactId, o.at);
    if (!last || o.at - last.at > optOutWindow) continue;
    const key = `${o.contactId}/${last.campaign}`;
    if (counted.has(key)) continue;
    counted.add(key);
    campaignOf(last.campaign).optOuts++;
    if (w) w.optOuts++;
  }
  for (const k of input.complaints) {
    const w = weekRow(k.at);
    if (w) w.complaintsAll++;
    const last = lastMessageBefore(handoffs, k.contactId, k.at);
    if (!last || k.at - last.at > complaintWindow) continue;
    campaignOf(last.campaign).complaints++;
    if (w) w.complaints++;
  }
  for (const q of input.quality ?? []) {
    const w = weekRow(q.at);
    if (w) w.quality++;
  }

  // Campaigns before the span were read only to attribute opt-outs and complaints to them.
  const campaigns = [...byCampaign.values()]
    .filter((c) => (c.startedAt ?? firstActivity.get(c.campaign) ?? input.now) >= span.from)
    .map((c) => {
      const first = c.startedAt ?? firstActivity.get(c.campaign) ?? null;
      return {
        ...c,
        week: first === null ? null : weekOf(first),
        rates: rates(c.handedOff, attempted.get(c.campaign) ?? 0, c.delivered, c.failed, c.optOuts, c.complaints),
      };
    })
    .sort(
      (a, b) => (b.startedAt ?? firstActivity.get(b.campaign) ?? 0) - (a.startedAt ?? firstActivity.get(a.campaign) ?? 0) || b.campaign - a.campaign,
    );
  const weekList = [...weeks.values()].map((w) => ({
    ...w,
    rates: rates(w.handedOff, weekAttempted.get(w.week) ?? 0, w.delivered, w.failed, w.optOuts, w.complaints),
  }));

  const warnings: HealthWarning[] = [];
  for (const c of campaigns) {
    if (c.rates.optOut !== null && c.rates.optOut > thresholds.optOutRate)
      warnings.push({
        kind: 'opt_out_rate',
        campaign: c.campaign,
        campaignName: c.name,
        count: c.optOuts,
        handedOff: c.handedOff,
        rate: c.rates.optOut,
        threshold: thresholds.optOutRate,
        windowHours: thresholds.optOutWindowHours,
        at: c.startedAt ?? input.now,
        detail: null,
      });
    if (c.rates.complaint !== null && c.rates.complaint > thresholds.complaintRate)
      warnings.push({
        kind: 'complaint_rate',
        campaign: c.campaign,
        campaignName: c.name,
        count: c.complaints,
        handedOff: c.handedOff,
        rate: c.rates.complaint,
        threshold: thresholds.complaintRate,
        windowHours: thresholds.complaintWindowDays * 24,
        at: c.startedAt ?? input.now,
        detail: null,
      });
  }
  const signals = (input.quality ?? []).filter((q) => inSpan(q.at)).sort((a, b) => b.at - a.at);
  for (const q of signals)
    if (!GOOD_RATINGS.has(q.rating.toUpperCase()))
      warnings.push({
        kind: 'quality',
        campaign: null,
        campaignName: null,
        count: 1,
        handedOff: 0,
        rate: null,
        threshold: null,
        windowHours: null,
        at: q.at,
        detail: `${q.provider}: ${q.rating}${q.detail ? ` — ${q.detail}` : ''}`,
      });

  return {
    from: span.from,
    to: input.now,
    timeZone,
    thresholds,
    campaigns,
    weeks: weekList,
    quality: { stored: input.quality !== null, signals },
    warnings,
  };
}

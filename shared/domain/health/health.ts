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

/**
 * Outbox rows counted together, as the repo groups them in SQL instead of handing over every row: rows of one
 * campaign with the same status and reason, handed off or not, whose times (the hand-off, else the last change) fall
 * in the same quarter hour and on the same side of the report's start and of now. Every zone's offset is a whole
 * number of quarter hours, so all of them fall in the ISO week `at` falls in, and in the span or out of it together:
 * the figures are those of the rows one by one.
 */
export interface HealthTally {
  campaign: number;
  status: string;
  reason: string | null;
  /** Whether the provider took them (the row's handed_off_at is set). */
  handedOff: boolean;
  /** The earliest of their times: the hand-off, else the last change. */
  at: number;
  count: number;
}

/** A hand-off to a contact, to attribute the contact's opt-outs and complaints to the message just before them. */
export interface HealthHandoff {
  contactId: number;
  campaign: number;
  at: number;
}

/** What a campaign's warnings need of its rows: how many were handed off, and when it started. */
export interface HealthCampaignTotal {
  campaign: number;
  handedOff: number;
  /** The first hand-off (null when nothing was handed off). */
  startedAt: number | null;
  /** The earliest time of its rows: the hand-off, else the last change. */
  firstAt: number;
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
  /** Outbox rows one by one, */
  recipients?: HealthRecipient[];
  /**
   * or counted together (see HealthTally), with the hand-offs (handed_off_at set) of every contact among `optOuts`
   * and `complaints`: the rows' own hand-offs are what an opt-out or complaint is attributed to.
   */
  tallies?: HealthTally[];
  handoffs?: HealthHandoff[];
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

/** The hand-offs given (one by one or apart from the tallies) per contact, oldest first. */
function handoffsByContact(input: Pick<HealthInput, 'recipients' | 'handoffs'>): Map<number, { at: number; campaign: number }[]> {
  const byContact = new Map<number, { at: number; campaign: number }[]>();
  const add = (contactId: number, at: number, campaign: number) => {
    const list = byContact.get(contactId);
    if (list) list.push({ at, campaign });
    else byContact.set(contactId, [{ at, campaign }]);
  };
  for (const r of input.recipients ?? []) if (HANDED_OFF.has(r.status) && r.handedOffAt !== null) add(r.contactId, r.handedOffAt, r.campaign);
  for (const h of input.handoffs ?? []) add(h.contactId, h.at, h.campaign);
  for (const list of byContact.values()) list.sort((a, b) => a.at - b.at || a.campaign - b.campaign);
  return byContact;
}

/** Rows one by one are tallies of one. */
function talliesOf(input: HealthInput): HealthTally[] {
  const rows = (input.recipients ?? []).map((r) => ({
    campaign: r.campaign,
    status: r.status,
    reason: r.reason,
    handedOff: r.handedOffAt !== null,
    at: r.handedOffAt ?? r.updatedAt,
    count: 1,
  }));
  return input.tallies ? [...rows, ...input.tallies] : rows;
}

/**
 * Opt-outs and complaints attributed to the campaign whose message to the person came last before them, within the
 * pack's window: an opt-out counts once per contact and campaign (a revocation of all marketing is one event per
 * channel). `each` is told of every one, attributed (campaign) or not (null), with the week row it falls in.
 */
function attribute<W>(
  input: Pick<HealthInput, 'thresholds' | 'optOuts' | 'complaints'>,
  byContact: Map<number, { at: number; campaign: number }[]>,
  weekRow: (at: number) => W | undefined,
  each: (kind: 'optOut' | 'complaint', campaign: number | null, week: W | undefined, contactId: number) => void,
): void {
  const optOutWindow = input.thresholds.optOutWindowHours * HOUR;
  const complaintWindow = input.thresholds.complaintWindowDays * DAY;
  const counted = new Set<string>();
  for (const o of [...input.optOuts].sort((a, b) => a.at - b.at)) {
    const w = weekRow(o.at);
    const last = lastMessageBefore(byContact, o.contactId, o.at);
    const key = last && `${o.contactId}/${last.campaign}`;
    if (!last || o.at - last.at > optOutWindow || counted.has(key!)) each('optOut', null, w, o.contactId);
    else {
      counted.add(key!);
      each('optOut', last.campaign, w, o.contactId);
    }
  }
  for (const k of input.complaints) {
    const w = weekRow(k.at);
    const last = lastMessageBefore(byContact, k.contactId, k.at);
    each('complaint', !last || k.at - last.at > complaintWindow ? null : last.campaign, w, k.contactId);
  }
}

/** A campaign as its warnings see it. */
interface WarnedCampaign {
  campaign: number;
  name: string;
  handedOff: number;
  optOuts: number;
  complaints: number;
  startedAt: number | null;
}

/**
 * The campaigns the report shows, newest first: those whose first hand-off (or, with none, first failure) is in the
 * span. Campaigns before it were read only to attribute opt-outs and complaints to them.
 */
function inSpanNewestFirst<C extends { campaign: number; startedAt: number | null }>(
  list: Iterable<C>,
  firstActivity: (campaign: number) => number | undefined,
  from: number,
  now: number,
): C[] {
  return [...list]
    .filter((c) => (c.startedAt ?? firstActivity(c.campaign) ?? now) >= from)
    .sort((a, b) => (b.startedAt ?? firstActivity(b.campaign) ?? 0) - (a.startedAt ?? firstActivity(a.campaign) ?? 0) || b.campaign - a.campaign);
}

/** A campaign's opt-out and complaint rates where they cross their thresholds (null where not, or nothing was handed off). */
function crossed(
  c: { handedOff: number; optOuts: number; complaints: number },
  thresholds: HealthThresholds,
): { optOut: number | null; complaint: number | null } {
  const r = rates(c.handedOff, 0, 0, 0, c.optOuts, c.complaints);
  return {
    optOut: r.optOut !== null && r.optOut > thresholds.optOutRate ? r.optOut : null,
    complaint: r.complaint !== null && r.complaint > thresholds.complaintRate ? r.complaint : null,
  };
}

/**
 * How many hand-offs a campaign needs for these opt-outs and complaints to stay within the thresholds: with that many
 * or more it cannot warn (a rate only falls as hand-offs grow), so its rows need be counted only that far to know it
 * does not. Null when no number is enough (a threshold below zero, or zero with something to count against it).
 */
export function handoffsBeyondWarning(optOuts: number, complaints: number, thresholds: HealthThresholds): number | null {
  const warns = (handedOff: number) => {
    const r = crossed({ handedOff, optOuts, complaints }, thresholds);
    return r.optOut !== null || r.complaint !== null;
  };
  const need = (count: number, rate: number) => (count === 0 ? 1 : rate > 0 ? Math.ceil(count / rate) : Infinity);
  if (thresholds.optOutRate < 0 || thresholds.complaintRate < 0) return null;
  let n = Math.max(1, need(optOuts, thresholds.optOutRate), need(complaints, thresholds.complaintRate));
  if (!Number.isFinite(n)) return null;
  // The division's rounding may be one off either way: settle it by the rule itself.
  while (n > 1 && !warns(n - 1)) n--;
  while (warns(n)) n++;
  return n;
}

/** Per campaign, the opt-outs and complaints attributed to it (see attribute): those of campaigns that may warn. */
export function attributedCounts(
  input: Pick<HealthInput, 'thresholds' | 'optOuts' | 'complaints' | 'handoffs'>,
): Map<number, { optOuts: number; complaints: number }> {
  const counts = new Map<number, { optOuts: number; complaints: number }>();
  attribute(
    input,
    handoffsByContact(input),
    () => undefined,
    (kind, campaign) => {
      if (campaign === null) return;
      const c = counts.get(campaign) ?? { optOuts: 0, complaints: 0 };
      if (kind === 'optOut') c.optOuts++;
      else c.complaints++;
      counts.set(campaign, c);
    },
  );
  return counts;
}

/** The thresholds crossed: each campaign's opt-out and complaint rates (campaigns in order), then bad quality signals. */
function warningsOf(
  campaigns: readonly WarnedCampaign[],
  signals: readonly HealthQualitySignal[],
  thresholds: HealthThresholds,
  now: number,
): HealthWarning[] {
  const warnings: HealthWarning[] = [];
  for (const c of campaigns) {
    const r = crossed(c, thresholds);
    if (r.optOut !== null)
      warnings.push({
        kind: 'opt_out_rate',
        campaign: c.campaign,
        campaignName: c.name,
        count: c.optOuts,
        handedOff: c.handedOff,
        rate: r.optOut,
        threshold: thresholds.optOutRate,
        windowHours: thresholds.optOutWindowHours,
        at: c.startedAt ?? now,
        detail: null,
      });
    if (r.complaint !== null)
      warnings.push({
        kind: 'complaint_rate',
        campaign: c.campaign,
        campaignName: c.name,
        count: c.complaints,
        handedOff: c.handedOff,
        rate: r.complaint,
        threshold: thresholds.complaintRate,
        windowHours: thresholds.complaintWindowDays * 24,
        at: c.startedAt ?? now,
        detail: null,
      });
  }
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
  return warnings;
}

/** The quality signals of the span, newest first. */
function signalsInSpan(input: HealthInput, from: number): HealthQualitySignal[] {
  return (input.quality ?? []).filter((q) => q.at >= from && q.at <= input.now).sort((a, b) => b.at - a.at);
}

/** The figures and warnings (see the module comment). */
export function computeHealth(input: HealthInput): HealthReport {
  const { timeZone, thresholds } = input;
  const span = healthSpan(input.now, input.weeks, timeZone);
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

  // Campaigns' figures and first activity, from the rows as counted (a row is a tally of one).
  const firstActivity = new Map<number, number>();
  const attempted = new Map<number, number>();
  const weekAttempted = new Map<string, number>();
  for (const t of talliesOf(input)) {
    if (!HANDED_OFF.has(t.status)) continue;
    const c = campaignOf(t.campaign);
    firstActivity.set(t.campaign, Math.min(firstActivity.get(t.campaign) ?? Infinity, t.at));
    attempted.set(t.campaign, (attempted.get(t.campaign) ?? 0) + t.count);
    const w = weekRow(t.at);
    if (w) weekAttempted.set(w.week, (weekAttempted.get(w.week) ?? 0) + t.count);
    if (t.handedOff) {
      c.handedOff += t.count;
      c.startedAt = c.startedAt === null ? t.at : Math.min(c.startedAt, t.at);
      if (w) w.handedOff += t.count;
    }
    if (DELIVERED.has(t.status)) {
      c.delivered += t.count;
      if (w) w.delivered += t.count;
    }
    if (FAILED.has(t.status)) {
      const key = failureKey(t.reason);
      c.failed += t.count;
      c.failedByReason[key] = (c.failedByReason[key] ?? 0) + t.count;
      if (w) {
        w.failed += t.count;
        w.failedByReason[key] = (w.failedByReason[key] ?? 0) + t.count;
      }
    }
  }

  // Opt-outs and complaints: attributed ones to their campaign and week; every one to its week's totals, a person's
  // opt-outs in a week once.
  const weekPeople = new Set<string>();
  attribute(input, handoffsByContact(input), weekRow, (kind, campaign, w, contactId) => {
    if (kind === 'optOut') {
      if (w && !weekPeople.has(`${w.week}/${contactId}`)) {
        weekPeople.add(`${w.week}/${contactId}`);
        w.optOutsAll++;
      }
      if (campaign === null) return;
      campaignOf(campaign).optOuts++;
      if (w) w.optOuts++;
    } else {
      if (w) w.complaintsAll++;
      if (campaign === null) return;
      campaignOf(campaign).complaints++;
      if (w) w.complaints++;
    }
  });
  for (const q of input.quality ?? []) {
    const w = weekRow(q.at);
    if (w) w.quality++;
  }

  const campaigns = inSpanNewestFirst(byCampaign.values(), (id) => firstActivity.get(id), span.from, input.now).map((c) => {
    const first = c.startedAt ?? firstActivity.get(c.campaign) ?? null;
    return {
      ...c,
      week: first === null ? null : weekOf(first),
      rates: rates(c.handedOff, attempted.get(c.campaign) ?? 0, c.delivered, c.failed, c.optOuts, c.complaints),
    };
  });
  const weekList = [...weeks.values()].map((w) => ({
    ...w,
    rates: rates(w.handedOff, weekAttempted.get(w.week) ?? 0, w.delivered, w.failed, w.optOuts, w.complaints),
  }));
  const signals = signalsInSpan(input, span.from);

  return {
    from: span.from,
    to: input.now,
    timeZone,
    thresholds,
    campaigns,
    weeks: weekList,
    quality: { stored: input.quality !== null, signals },
    warnings: warningsOf(campaigns, signals, thresholds, input.now),
  };
}

/**
 * The warnings alone — computeHealth(input).warnings — from each campaign's totals instead of its rows: what a new
 * plan shows. A warning needs of a campaign only how many of its messages were handed off and when it started (the
 * weeks and deliveries are not worked out), and the hand-offs of the people who opted out or complained.
 */
export function healthWarnings(
  input: Omit<HealthInput, 'recipients' | 'tallies' | 'handoffs'> & { totals: HealthCampaignTotal[]; handoffs: HealthHandoff[] },
): HealthWarning[] {
  const span = healthSpan(input.now, input.weeks, input.timeZone);
  const names = new Map(input.campaigns.map((c) => [c.id, c.name]));
  const byCampaign = new Map<number, WarnedCampaign>();
  const firstActivity = new Map<number, number>();
  const campaignOf = (id: number): WarnedCampaign => {
    let c = byCampaign.get(id);
    if (!c) byCampaign.set(id, (c = { campaign: id, name: names.get(id) ?? `#${id}`, handedOff: 0, optOuts: 0, complaints: 0, startedAt: null }));
    return c;
  };
  for (const t of input.totals) {
    const c = campaignOf(t.campaign);
    c.handedOff += t.handedOff;
    if (t.startedAt !== null) c.startedAt = c.startedAt === null ? t.startedAt : Math.min(c.startedAt, t.startedAt);
    firstActivity.set(t.campaign, Math.min(firstActivity.get(t.campaign) ?? Infinity, t.firstAt));
  }
  attribute(
    input,
    handoffsByContact(input),
    () => undefined,
    (kind, campaign) => {
      if (campaign === null) return;
      if (kind === 'optOut') campaignOf(campaign).optOuts++;
      else campaignOf(campaign).complaints++;
    },
  );
  const campaigns = inSpanNewestFirst(byCampaign.values(), (id) => firstActivity.get(id), span.from, input.now);
  return warningsOf(campaigns, signalsInSpan(input, span.from), input.thresholds, input.now);
}

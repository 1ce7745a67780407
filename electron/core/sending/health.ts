import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { readSaid } from '../../../shared/contract/said';
import {
  attributedCounts,
  computeHealth,
  handoffsBeyondWarning,
  healthSpan,
  healthWarnings,
  type HealthReport as Figures,
} from '../../../shared/domain/health/health';
import { HealthRepo } from '../db/repos/health.repo';
import { getSettings } from '../register/settings';
import { iso, type ServiceContext } from '../context';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The next plan shows the warnings of campaigns that started in the last 30 days. */
const PLAN_LOOKBACK_DAYS = 30;

/** What the figures and the warnings are computed from: the span's start, and how far back rows are read. */
function reading(ctx: ServiceContext, weeks: number) {
  const settings = getSettings(ctx);
  const thresholds = settings.effectivePolicy.health;
  const now = ctx.clock.now();
  const { from } = healthSpan(now, weeks, settings.timezone);
  const since = from - Math.max(thresholds.optOutWindowHours * HOUR, thresholds.complaintWindowDays * DAY);
  return { settings, thresholds, now, from, since, repo: new HealthRepo(ctx.db) };
}

/** The people whose opt-outs and complaints are to be attributed: only their hand-offs are read one by one. */
const people = (optOuts: { contactId: number }[], complaints: { contactId: number }[]): number[] => [
  ...optOuts.map((o) => o.contactId),
  ...complaints.map((k) => k.contactId),
];

/**
 * The figures behind the Health view and `optin health`: the repo reads the rows since the report's first Monday
 * (and a window earlier, so an opt-out is still counted against the message just before the span) counted in SQL,
 * with the hand-offs of the people who opted out or complained; the pure computation in shared/domain/health does the
 * rest with the shop's pack and time zone.
 *
 * WhatsApp quality signals are those provider sync kept from the relay (phone quality, template status and quality).
 */
function figures(ctx: ServiceContext, weeks: number, campaign?: number): Figures {
  const { settings, thresholds, now, from, since, repo } = reading(ctx, weeks);
  if (campaign !== undefined && !repo.hasCampaign(campaign))
    throw new AppError('NOT_FOUND', 'health.campaignNotFound', { campaign }, { fields: [{ path: 'campaign', key: 'health.unknownCampaign' }] });
  const optOuts = repo.optOuts(since);
  const complaints = repo.complaints(since);
  return computeHealth({
    now,
    timeZone: settings.timezone,
    weeks,
    thresholds,
    campaigns: repo.campaigns(since),
    // A reason is stored by key (storeSaid): grouped by its English text, which starts with the provider's code.
    tallies: repo.tallies(since, from, now, campaign).map((t) => (t.reason === null ? t : { ...t, reason: readSaid(t.reason).message })),
    handoffs: repo.handoffs(since, people(optOuts, complaints), campaign),
    optOuts,
    complaints,
    quality: repo.quality(from),
  });
}

function warningOut(w: Figures['warnings'][number]): Output<'health.report'>['warnings'][number] {
  return { ...w, at: iso(w.at) };
}

/** health.report: per campaign and per ISO week, with rates and the warnings the pack's thresholds give. */
export function healthReport(ctx: ServiceContext, input: ParsedInput<'health.report'>): Output<'health.report'> {
  const r = figures(ctx, input.weeks, input.campaign);
  const pack = getSettings(ctx).policyPack;
  return {
    from: iso(r.from),
    to: iso(r.to),
    timeZone: r.timeZone,
    thresholds: { pack, ...r.thresholds },
    campaigns: r.campaigns.map((c) => ({ ...c, startedAt: c.startedAt === null ? null : iso(c.startedAt) })),
    weeks: r.weeks,
    quality: { stored: r.quality.stored, signals: r.quality.signals.map((s) => ({ ...s, at: iso(s.at) })) },
    warnings: r.warnings.map(warningOut),
  };
}

/**
 * The warnings a new plan carries: those of campaigns (and quality signals) of the last 30 days — the report's
 * warnings over those weeks, from campaigns' totals (healthWarnings) rather than their rows counted week by week. Only
 * a campaign that opt-outs or complaints were attributed to can cross a threshold, and only while it has fewer
 * hand-offs than handoffsBeyondWarning says: its hand-offs are counted that far, and the totals are read only for
 * those that may warn.
 */
export function planHealthWarnings(ctx: ServiceContext): Output<'health.report'>['warnings'] {
  const weeks = Math.ceil(PLAN_LOOKBACK_DAYS / 7) + 1;
  const { settings, thresholds, now, from, since, repo } = reading(ctx, weeks);
  const optOuts = repo.optOuts(since);
  const complaints = repo.complaints(since);
  const handoffs = repo.handoffs(since, people(optOuts, complaints));
  const attributed = attributedCounts({ thresholds, optOuts, complaints, handoffs });
  // With a threshold below zero even a campaign nobody opted out of warns: then every campaign's totals are read.
  const everyCampaign = handoffsBeyondWarning(0, 0, thresholds) === null;
  const mayWarn = [...attributed]
    .filter(([campaign, a]) => {
      const enough = handoffsBeyondWarning(a.optOuts, a.complaints, thresholds);
      return enough === null || repo.handedOffUpTo(campaign, since, enough) < enough;
    })
    .map(([campaign]) => campaign);
  const warnings = healthWarnings({
    now,
    timeZone: settings.timezone,
    weeks,
    thresholds,
    campaigns: repo.campaigns(since),
    totals: repo.campaignTotals(since, everyCampaign ? undefined : mayWarn),
    handoffs,
    optOuts,
    complaints,
    quality: repo.quality(from),
  });
  return warnings.filter((w) => w.at >= now - PLAN_LOOKBACK_DAYS * DAY).map(warningOut);
}

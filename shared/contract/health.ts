import { z } from 'zod';
import { IsoInstant } from './common';
import { QUALITY_TOPICS } from '../domain/health/health';

/** Rates are fractions (0.02 = 2 %), null when nothing was handed off. */
const Rates = z.object({
  delivered: z.number().nullable(),
  failed: z.number().nullable(),
  optOut: z.number().nullable(),
  complaint: z.number().nullable(),
});

const Count = z.number().int().min(0);

/** A pack threshold a campaign crossed, or a WhatsApp quality signal, with the numbers behind it. */
export const HealthWarning = z.object({
  kind: z.enum(['opt_out_rate', 'complaint_rate', 'quality']),
  campaign: z.number().int().nullable(),
  campaignName: z.string().nullable(),
  /** Opt-outs or complaints within the window (1 for a quality signal). */
  count: Count,
  /** Messages the campaign handed off. */
  handedOff: Count,
  rate: z.number().nullable(),
  threshold: z.number().nullable(),
  windowHours: z.number().int().nullable(),
  at: IsoInstant,
  /** A quality signal's provider, rating and words. */
  detail: z.string().nullable(),
});
/** A health warning. */
export type HealthWarning = z.infer<typeof HealthWarning>;

/** One campaign's figures. */
export const CampaignHealth = z.object({
  campaign: z.number().int(),
  name: z.string(),
  channel: z.string(),
  purpose: z.string(),
  startedAt: IsoInstant.nullable(),
  /** ISO week of the first hand-off in the shop's time zone, e.g. "2026-W10". */
  week: z.string().nullable(),
  handedOff: Count,
  delivered: Count,
  failed: Count,
  /** Failures by the provider's code (or its words when it gave no code). */
  failedByReason: z.record(z.string(), Count),
  /** Recipients who opted out within the pack's window after this campaign's message to them. */
  optOuts: Count,
  complaints: Count,
  rates: Rates,
});

/** One ISO week's figures (the shop's calendar, Monday to Sunday). */
export const WeekHealth = z.object({
  week: z.string(),
  /** The Monday, YYYY-MM-DD. */
  from: z.string(),
  handedOff: Count,
  delivered: Count,
  failed: Count,
  failedByReason: z.record(z.string(), Count),
  /** Opt-outs within the window after a campaign message. */
  optOuts: Count,
  /** Every marketing opt-out in the week. */
  optOutsAll: Count,
  complaints: Count,
  complaintsAll: Count,
  quality: Count,
  rates: Rates,
});

/** The health report. */
export const HealthReport = z.object({
  from: IsoInstant,
  to: IsoInstant,
  timeZone: z.string(),
  thresholds: z.object({
    pack: z.string(),
    optOutRate: z.number(),
    complaintRate: z.number(),
    optOutWindowHours: z.number().int(),
    complaintWindowDays: z.number().int(),
    source: z.string(),
  }),
  campaigns: z.array(CampaignHealth),
  weeks: z.array(WeekHealth),
  /** `stored: false`: this register keeps no WhatsApp quality signals yet (none could be read, which is not "all good"). */
  quality: z.object({
    stored: z.boolean(),
    /** `detail`: a template's name, language and reason; for `phone_quality`, the messaging-limit tier code (TIER_1K). */
    signals: z.array(z.object({ at: IsoInstant, provider: z.string(), topic: z.enum(QUALITY_TOPICS), rating: z.string(), detail: z.string() })),
  }),
  warnings: z.array(HealthWarning),
});
/** The health report. */
export type HealthReport = z.infer<typeof HealthReport>;

/** Monitoring after sending (`health.*`). */
export const healthMethods = {
  'health.report': {
    input: z.object({
      /** How many ISO weeks, the current one included (default 8). */
      weeks: z.number().int().min(1, 'health.weeksMin').max(104, 'health.weeksMax').default(8),
      /** Only this campaign's messages. */
      campaign: z.number().int().positive().optional(),
    }),
    output: HealthReport,
  },
};

import { z } from 'zod';
import { ExclusionReasons, type ExclusionReason } from '../domain/gate/gate';
import { RecipientStatuses, type RecipientStatus } from '../domain/outbox/types';
import { Channel, InstantInput, IsoInstant, Locale, Name, Tags } from './common';
import { ConsentEvent } from './consent';
import { SegmentName } from './contacts';
import { FileId } from './files';
import { HealthWarning } from './health';
import { ProviderName } from './providers';
import { SaidSchema } from './said';

/** One recipient of a batch on one channel. */
export const Recipient = z.object({
  id: z.number().int(),
  batch: z.number().int(),
  contactId: z.number().int(),
  name: z.string(),
  phone: z.string(),
  /** 0: the batch's channel (or a cascade's WhatsApp try); 1: a cascade's SMS fallback. */
  step: z.number().int(),
  channel: Channel,
  status: z.enum(RecipientStatuses),
  /** Why skipped, failed or undeliverable: an exclusion reason or a provider's code, or (with reasonSaid) its English. */
  reason: z.string().nullable(),
  /** The reason by key, when it is a sentence (a provider's answer, giving up after retries): the renderer translates it. */
  reasonSaid: SaidSchema.nullable(),
  proofEvent: z.number().int().nullable(),
  text: z.string().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  attempts: z.number().int(),
  dueAt: IsoInstant,
  handedOffAt: IsoInstant.nullable(),
  updatedAt: IsoInstant,
});

/** Where a batch's sending stands. */
export const BatchProgress = z.object({
  batch: z.number().int(),
  state: z.enum(['planned', 'sending', 'done', 'cancelled']),
  /** The outbox is working on it right now. */
  running: z.boolean(),
  /** Why the run is paused: `reason` in English, `said` by key. */
  paused: z.object({ reason: z.string(), said: SaidSchema, at: IsoInstant }).nullable(),
  providers: z.record(z.string(), z.string()),
  counts: z.object(Object.fromEntries(RecipientStatuses.map((s) => [s, z.number().int()])) as Record<RecipientStatus, z.ZodNumber>),
  /** Handed to the provider (sent, delivered or read). */
  sent: z.number().int(),
  delivered: z.number().int(),
  /** Failed or undeliverable. */
  failed: z.number().int(),
  /** Left out at hand-off by the gate (a revocation since the plan, a cap reached…). */
  skipped: z.number().int(),
  /** Queued, being sent, or waiting for a retry, quiet hours or the cascade's wait. */
  pending: z.number().int(),
  /** Sent but the provider cannot say whether it arrived: the owner decides. */
  unknown: z.number().int(),
  skipReasons: z.record(z.string(), z.number().int()),
  /** When the next queued message is due, if any waits. */
  nextAttemptAt: IsoInstant.nullable(),
  /**
   * Messages waiting for another try after the provider's passing refusal (an outage, a timeout, throttling): how
   * many, the most attempts made for one, the provider's last answer (`reason` in English, `said` by key) and when,
   * and when the next try is due. Null when none waits.
   */
  retrying: z
    .object({
      count: z.number().int(),
      attempts: z.number().int(),
      answer: z.object({ reason: z.string(), said: SaidSchema, at: IsoInstant }).nullable(),
      nextAttemptAt: IsoInstant,
    })
    .nullable(),
  startedAt: IsoInstant.nullable(),
  finishedAt: IsoInstant.nullable(),
});

/** Campaigns (`batch.*`): plan, audience, send, progress, recipients and the report. */
export const campaignsMethods = {
  'campaign.plan': {
    input: z.object({
      channel: z.enum(['sms', 'whatsapp', 'cascade']),
      purpose: z.enum(['marketing', 'service']),
      text: z.string().trim().min(1, 'campaigns.textEmpty').max(10_000, 'campaigns.textTooLong'),
      /** Only contacts with any of these tags; default: everyone. */
      tags: Tags.optional(),
      /** Only the contacts a saved segment matches (by name; not with tags): its filter is copied into the campaign. */
      segment: SegmentName.optional(),
      /** When it is to go; default: now. */
      at: InstantInput.optional(),
      /** Language of the message (default: detected). */
      language: Locale.optional(),
      /** Language the lint findings are written in. */
      locale: Locale.default('en'),
      name: z.string().trim().min(1).max(200).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      batch: z.number().int(),
      name: z.string(),
      plannedAt: IsoInstant,
      /** What it is planned and sent as: a "service" message with promotion in it is marketing (promotional: true). */
      purpose: z.enum(['marketing', 'service']),
      promotional: z.boolean(),
      audience: z.number().int(),
      eligible: z.number().int(),
      /** Eligible recipients by the channel they would get it on (a cascade tries WhatsApp first). */
      byChannel: z.object({ whatsapp: z.number().int(), sms: z.number().int() }),
      excluded: z.object(Object.fromEntries(ExclusionReasons.map((r) => [r, z.number().int()])) as Record<ExclusionReason, z.ZodNumber>),
      lint: z.object({
        ok: z.boolean(),
        errors: z.array(z.object({ rule: z.string(), message: z.string() })),
        warnings: z.number().int(),
        /** Each warning with its rule and what it says (in the plan's `locale`). */
        warningList: z.array(z.object({ rule: z.string(), message: z.string() })),
        segments: z.number().int().nullable(),
        encoding: z.enum(['GSM-7', 'UCS-2']).nullable(),
      }),
      /** What the last 30 days of campaigns left behind: the pack's health thresholds crossed, with the numbers. */
      health: z.array(HealthWarning),
    }),
  },
  'campaign.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      batches: z.array(
        z.object({
          id: z.number().int(),
          name: z.string(),
          channel: z.enum(['sms', 'whatsapp', 'cascade']),
          purpose: z.enum(['marketing', 'service']),
          text: z.string(),
          tags: z.array(z.string()),
          /** The segment the audience was drawn from (its name when planned), if any. */
          segment: z.string().nullable().optional(),
          /**
           * What became of that segment since the plan (the campaign keeps the filter it copied then): its name now,
           * or deleted. Null when the audience was not a segment.
           */
          segmentNow: z.object({ deleted: z.boolean(), name: z.string().nullable() }).nullable().optional(),
          plannedAt: IsoInstant,
          createdAt: IsoInstant,
          createdBy: z.string(),
          lintOk: z.boolean(),
          state: z.enum(['planned', 'sending', 'done', 'cancelled']),
          audience: z.number().int(),
          eligible: z.number().int(),
        }),
      ),
    }),
  },
  'campaign.audience': {
    input: z.object({
      batch: z.number().int().positive(),
      reason: z.enum(['eligible', ...ExclusionReasons]),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({
      batch: z.number().int(),
      reason: z.string(),
      total: z.number().int(),
      people: z.array(
        z.object({
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          channel: Channel.nullable(),
          /** The consent event that makes the message lawful (eligible only). */
          proofEvent: z.number().int().nullable(),
          /** Quiet hours: the first moment the message may go. */
          deferUntil: IsoInstant.nullable(),
        }),
      ),
    }),
  },
  'campaign.send': {
    input: z.object({
      batch: z.number().int().positive(),
      /**
       * The providers to hand off through, by name: one that carries the batch's channel, or for a cascade one for
       * WhatsApp and one for SMS (a provider carrying both may serve both).
       */
      providers: z.array(ProviderName).min(1, 'campaigns.nameProvider').max(2, 'campaigns.atMostTwoProviders'),
      /** The approved WhatsApp template this text is (Cloud API; Twilio Content SID `HX…` for Twilio WhatsApp). */
      template: z.object({ name: z.string().trim().min(1).max(512), language: z.string().trim().min(2).max(15) }).optional(),
      /** Cascade: how long WhatsApp gets to deliver before the SMS fallback goes (default 60 minutes). */
      fallbackAfterMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(60),
      /** Run until the batch is done or nothing can progress, and answer then (the CLI); else send in the background. */
      wait: z.boolean().default(false),
      /**
       * With `wait`: fetch replies and opt-outs from the providers right before the first hand-off and every minute
       * while it runs (the default), so a STOP that reached a provider is honoured first; false skips it (`--no-sync`).
       */
      sync: z.boolean().default(true),
      /** With `wait`: how long to wait for a retry or deferral before answering with what is still pending. */
      maxWaitSeconds: z.number().int().min(0).max(3600).default(60),
      staff: Name.optional(),
    }),
    output: BatchProgress,
  },
  'campaign.progress': { input: z.object({ batch: z.number().int().positive() }), output: BatchProgress },
  'campaign.pause': { input: z.object({ batch: z.number().int().positive(), staff: Name.optional() }), output: BatchProgress },
  'campaign.resume': { input: z.object({ batch: z.number().int().positive(), staff: Name.optional() }), output: BatchProgress },
  'campaign.recipients': {
    input: z.object({
      batch: z.number().int().positive(),
      statuses: z.array(z.enum(RecipientStatuses)).max(9).default([]),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({ batch: z.number().int(), total: z.number().int(), recipients: z.array(Recipient) }),
  },
  'campaign.recipient': {
    input: z.object({ id: z.number().int().positive() }),
    output: z.object({
      recipient: Recipient,
      /** Every step this person took in the batch (a cascade's WhatsApp try and SMS fallback). */
      path: z.array(Recipient),
      history: z.array(z.object({ step: z.number().int(), at: IsoInstant, status: z.string(), detail: SaidSchema.nullable() })),
      /** The consent event that made the hand-off lawful, as recorded. */
      proof: ConsentEvent.nullable(),
      /** The form wording the proof refers to, when it names one. */
      proofForm: z.object({ code: z.string(), sha256: z.string(), language: z.string() }).nullable(),
    }),
  },
  'campaign.resolve': {
    input: z.object({
      id: z.number().int().positive(),
      /** For a recipient in `unknown` state: the provider did take it (`sent`), or send it again (`resend`). */
      decision: z.enum(['sent', 'resend']),
      staff: Name.optional(),
    }),
    output: z.object({ recipient: Recipient }),
  },
  'campaign.report': {
    input: z.object({ batch: z.number().int().positive(), format: z.enum(['pdf', 'csv']), locale: Locale.default('en') }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      bytes: z.number().int(),
      recipients: z.number().int(),
      /** The register's head when the report was made (`optin audit verify --expect` takes it back). */
      head: z.string(),
    }),
  },
} as const;

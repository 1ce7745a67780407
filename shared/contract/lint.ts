import { z } from 'zod';
import { MessageKinds } from '../domain/lint/types';
import { PolicyPack, PolicyPackIds } from '../domain/policy/policy';
import { InstantInput, Locale } from './common';

/** A WhatsApp template button. */
export const TemplateButton = z.object({ type: z.enum(['quick_reply', 'url', 'phone', 'copy_code']), text: z.string().max(200) });

/** One message to check (see shared/domain/lint). */
export const LintRequest = z.object({
  text: z.string().max(10_000, 'campaigns.textTooLong'),
  channel: z.enum(['sms', 'whatsapp']),
  purpose: z.enum(['marketing', 'service']),
  kind: z.enum(MessageKinds).optional(),
  policy: z.enum(PolicyPackIds).optional(),
  language: Locale.optional(),
  sendAt: InstantInput.optional(),
  recipientTimeZones: z.array(z.string().min(1).max(64)).max(50).optional(),
  sample: z.record(z.string(), z.string().max(500)).optional(),
  header: z.string().max(2000).optional(),
  footer: z.string().max(2000).optional(),
  buttons: z.array(TemplateButton).max(50).optional(),
});
/** One message to check. */
export type LintRequest = z.infer<typeof LintRequest>;

const Encoding = z.enum(['GSM-7', 'UCS-2']);

/** One lint finding; offsets are UTF-16 code units, end exclusive. */
export const LintDiagnostic = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  target: z.enum(['text', 'header', 'footer', 'buttons', 'settings', 'sendAt']),
  start: z.number().int(),
  end: z.number().int(),
  message: z.string(),
  source: z.string(),
  fix: z
    .object({
      label: z.string(),
      edits: z.array(z.object({ start: z.number().int(), end: z.number().int(), text: z.string() })),
      sendAt: z.string().optional(),
    })
    .nullable(),
});

/** The result of linting one message. */
export const LintResultSchema = z.object({
  ok: z.boolean(),
  encoding: Encoding,
  characters: z.number().int(),
  units: z.number().int(),
  segments: z.number().int(),
  ucs2Characters: z.array(z.string()),
  language: Locale,
  longest: z.object({ characters: z.number().int(), segments: z.number().int(), encoding: Encoding }),
  preview: z.object({ text: z.string(), characters: z.number().int(), segments: z.number().int(), encoding: Encoding }).nullable(),
  diagnostics: z.array(LintDiagnostic),
});

/** What the composer needs to lint as the owner types, without a round trip per keystroke. */
export const LintProfileSchema = z.object({
  businessName: z.string(),
  brandAliases: z.array(z.string()),
  senderName: z.string(),
  shopPhone: z.string().nullable(),
  shopDomains: z.array(z.string()),
  policy: PolicyPack,
  segmentLimit: z.number().int(),
  disabledRules: z.array(z.string()),
  timezone: z.string(),
  fieldMaxLength: z.record(z.string(), z.number().int()),
  namesNeedUcs2: z.boolean(),
});

/** A lint rule's description. */
export const LintRuleInfo = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  title: z.object({ en: z.string(), ru: z.string() }),
  source: z.string(),
  switchable: z.boolean(),
});

/** Checking a message and what the composer needs to check it as the owner types. */
export const lintMethods = {
  'lint.check': {
    input: LintRequest.extend({
      /** Fill the preview with this contact's fields. */
      sampleContactId: z.number().int().positive().optional(),
      /** Language of the diagnostics. */
      locale: Locale.default('en'),
    }),
    output: LintResultSchema,
  },
  'lint.profile': {
    input: z.object({}),
    output: z.object({ profile: LintProfileSchema, rules: z.array(LintRuleInfo) }),
  },
} as const;

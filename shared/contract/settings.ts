import { z } from 'zod';
import { PolicyOverrides, PolicyPack, PolicyPackIds } from '../domain/policy/policy';
import { CountryCode, IsoInstant, Name, PhoneInput, VisibleText } from './common';

/** Business identity, defaults and policy. */
export const Settings = z.object({
  businessName: z.string(),
  senderName: z.string(),
  shopPhone: z.string().nullable(),
  businessAddress: z.string(),
  defaultCountry: z.string(),
  timezone: z.string(),
  policyPack: z.enum(PolicyPackIds),
  policyOverrides: PolicyOverrides,
  effectivePolicy: PolicyPack,
  /** Other names the shop goes by; any of them identifies the sender in a message. */
  brandAliases: z.array(z.string()),
  /** Domains the shop's links may point to. */
  shopDomains: z.array(z.string()),
  /** Segments above which an SMS is flagged as costly. */
  smsSegmentLimit: z.number().int(),
  /** Lint warnings the owner switched off. */
  lintDisabledRules: z.array(z.string()),
});
/** Business identity, defaults and policy. */
export type Settings = z.infer<typeof Settings>;

/**
 * The name of the owner the register makes on its own, until someone names themselves. It is stored data (the audit
 * log and events name it), so the screens and printouts show it translated rather than the register renaming it.
 */
export const PLACEHOLDER_OWNER = 'Owner';

/** A staff member who records consents. */
export const Staff = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(['owner', 'staff']),
  active: z.boolean(),
  createdAt: IsoInstant,
});
/** A staff member. */
export type Staff = z.infer<typeof Staff>;

/** The first-run checklist: what a new shop still has to do before its first campaign, in order. */
export const SetupStepIds = ['identity', 'rules', 'staff', 'wording', 'provider', 'sheets'] as const;
/** A first-run checklist step. */
export type SetupStepId = (typeof SetupStepIds)[number];

/** The first-run checklist. */
export const SetupStatus = z.object({
  /** False until someone chose the rules pack, the country and the time zone (the defaults are only a fallback). */
  configured: z.boolean(),
  steps: z.array(z.object({ id: z.enum(SetupStepIds), done: z.boolean() })),
});
/** The first-run checklist. */
export type SetupStatus = z.infer<typeof SetupStatus>;

/** The shop's settings, the policy packs and the staff. */
export const settingsMethods = {
  'settings.get': { input: z.object({}), output: Settings },
  'settings.update': {
    input: z.object({
      businessName: z.string().trim().min(1, 'settings.businessNameEmpty').max(200).optional(),
      senderName: VisibleText.trim().max(20).optional(),
      shopPhone: PhoneInput.nullable().optional(),
      businessAddress: z.string().trim().max(500).optional(),
      defaultCountry: CountryCode.optional(),
      timezone: z.string().trim().min(1).max(64).optional(),
      policyPack: z.enum(PolicyPackIds).optional(),
      policyOverrides: PolicyOverrides.optional(),
      brandAliases: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
      shopDomains: z.array(z.string().trim().min(1).max(253)).max(20).optional(),
      smsSegmentLimit: z.number().int().min(1, 'settings.segmentsMin').max(10, 'settings.segmentsMax').optional(),
      lintDisabledRules: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
      staff: Name.optional(),
    }),
    output: Settings,
  },
  'settings.setup': { input: z.object({}), output: SetupStatus },
  'policy.list': { input: z.object({}), output: z.array(PolicyPack) },
  'staff.list': { input: z.object({}), output: z.array(Staff) },
  'staff.add': {
    input: z.object({ name: z.string().trim().min(1, 'staff.nameRequired').max(100), role: z.enum(['owner', 'staff']).default('staff') }),
    output: Staff,
  },
  'staff.setActive': { input: z.object({ id: z.number().int().positive(), active: z.boolean() }), output: Staff },
} as const;

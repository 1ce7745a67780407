import { z } from 'zod';
import ru from './packs/ru.json' with { type: 'json' };
import eu from './packs/eu.json' with { type: 'json' };
import de from './packs/de.json' with { type: 'json' };
import uk from './packs/uk.json' with { type: 'json' };
import us from './packs/us.json' with { type: 'json' };
import ca from './packs/ca.json' with { type: 'json' };
import type { ConsentEvidence, ConsentMethod } from '../consent/types';

/** Identifiers of the bundled jurisdiction packs. */
export const PolicyPackIds = ['ru', 'eu', 'de', 'uk', 'us', 'ca'] as const;
/** A jurisdiction pack id. */
export type PolicyPackId = (typeof PolicyPackIds)[number];

/** Kinds of evidence a pack can demand for a grant. */
export const EvidenceKinds = ['formVersion', 'sheetRef', 'inboundMessageId', 'importSource', 'note'] as const;
/** A kind of evidence. */
export type EvidenceKind = (typeof EvidenceKinds)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'policy.timeHHMM');

/** A local-time window in which marketing may be sent. */
export const QuietHours = z.object({ start: HHMM, end: HHMM });
/** A send window. */
export type QuietHours = z.infer<typeof QuietHours>;

/** At most `messages` marketing messages per contact in any `days` days. */
export const FrequencyCap = z.object({ messages: z.number().int().min(1).max(100), days: z.number().int().min(1).max(365) });
/** A frequency cap. */
export type FrequencyCap = z.infer<typeof FrequencyCap>;

const Localized = z.object({ en: z.string(), ru: z.string() });

/** What a pack demands of a message about a restricted product category. */
export const RestrictedRule = z.object({
  severity: z.enum(['error', 'warning']),
  source: z.string(),
  /** Wording the message must carry; null when no wording makes it acceptable or none is prescribed. */
  disclosure: Localized.nullable(),
});
/** What a pack demands of a restricted category. */
export type RestrictedRule = z.infer<typeof RestrictedRule>;

/** A pack's rules for message content (used by the linter). */
export const MessagingRules = z.object({
  /** The standard opt-out instruction, per message language; its keyword must be one the inbound service understands. */
  optOutInstruction: Localized,
  /** A send window that is good practice (a warning), where the law sets none (`quietHours` is the law). */
  recommendedSendWindow: QuietHours.nullable(),
  /** Why the window is recommended, for the person (the linter's warning says it). */
  recommendedSendWindowSource: Localized,
  /** The first message of a recurring programme must carry programme name, frequency, rates, HELP and STOP (CTIA). */
  firstMessageDisclosures: z.boolean(),
  /** Zones to check when the recipients' zones are unknown (all of the country's zones: the most restrictive). */
  defaultRecipientTimeZones: z.array(z.string()),
  restricted: z.object({
    alcohol: RestrictedRule,
    tobacco: RestrictedRule,
    gambling: RestrictedRule,
    loans: RestrictedRule,
    medicines: RestrictedRule,
    weapons: RestrictedRule,
  }),
});
/** A pack's rules for message content. */
export type MessagingRules = z.infer<typeof MessagingRules>;

/**
 * When a campaign's aftermath calls for a warning (the Health view, the next plan): rates are fractions of the
 * messages handed off (0.02 = 2 %); `source` says where the figures come from.
 */
export const HealthThresholds = z.object({
  /** Opt-outs by recipients within `optOutWindowHours` of their message, as a share of the messages handed off. */
  optOutRate: z.number().min(0).max(1),
  /** Complaints by recipients within `complaintWindowDays` of their message, as a share of the messages handed off. */
  complaintRate: z.number().min(0).max(1),
  optOutWindowHours: z.number().int().min(1).max(720),
  complaintWindowDays: z.number().int().min(1).max(90),
  source: z.string(),
});
/** A pack's health thresholds. */
export type HealthThresholds = z.infer<typeof HealthThresholds>;

/**
 * What a win-back request may stand on: a neutral message asking someone whose marketing consent is only claimed or
 * has lapsed whether they want the shop's messages (issue #16 point 4). `service_consent`: only their consent to
 * service messages on that channel (where a request for consent is itself a message that needs consent); `claim`:
 * on SMS the claim (or lapsed consent) itself may carry a request that sells nothing, since the person gave the shop
 * their number. WhatsApp is never a pack's choice: Meta lets a business write first only to people who opted in to
 * its messages there (DOMAIN §2), so a WhatsApp request always needs the WhatsApp service consent.
 */
export const WinbackRules = z.object({
  sms: z.enum(['service_consent', 'claim']),
  source: z.string(),
});
/** What a pack lets a win-back request stand on. */
export type WinbackRules = z.infer<typeof WinbackRules>;

/** A jurisdiction's rules as data (see DOMAIN.md §1). */
export const PolicyPack = z.object({
  id: z.enum(PolicyPackIds),
  version: z.string(),
  name: z.object({ en: z.string(), ru: z.string() }),
  /** Methods that can prove a grant, each with the evidence it needs; a method not listed only makes a claim. */
  grantEvidence: z.partialRecord(
    z.enum(['paper_form', 'qr_keyword', 'inbound_keyword', 'verbal_in_store', 'kiosk', 'web_form', 'import', 'provider_feedback']),
    z.array(z.enum(EvidenceKinds)),
  ),
  doubleOptIn: z.boolean(),
  pendingExpiryHours: z.number().int().min(1),
  maxConsentAgeDays: z.number().int().min(1).nullable(),
  revocationScope: z.enum(['all_marketing', 'channel']),
  requiresPersonalDataConsent: z.boolean(),
  quietHours: QuietHours.nullable(),
  frequencyCap: FrequencyCap.nullable(),
  optOutKeywords: z.array(z.string()),
  retentionYearsAfterEnd: z.number().int().min(0),
  softOptIn: z.boolean(),
  winback: WinbackRules,
  health: HealthThresholds,
  messaging: MessagingRules,
  notes: z.object({ en: z.string(), ru: z.string() }),
});
/** A jurisdiction pack. */
export type PolicyPack = z.infer<typeof PolicyPack>;

/** What a shop may tighten in its pack; every field optional. */
export const PolicyOverrides = z
  .object({
    doubleOptIn: z.boolean(),
    pendingExpiryHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    maxConsentAgeDays: z.number().int().min(1).max(36500),
    revocationScope: z.enum(['all_marketing', 'channel']),
    quietHours: QuietHours,
    frequencyCap: FrequencyCap,
  })
  .partial();
/** Shop-level tightening of a pack. */
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;

const PACKS: Record<PolicyPackId, PolicyPack> = Object.fromEntries(
  [ru, eu, de, uk, us, ca].map((raw) => {
    const pack = PolicyPack.parse(raw);
    return [pack.id, pack];
  }),
) as Record<PolicyPackId, PolicyPack>;

/** The bundled pack for an id. */
export function getPolicyPack(id: PolicyPackId): PolicyPack {
  return PACKS[id];
}

/** All bundled packs. */
export function listPolicyPacks(): PolicyPack[] {
  return PolicyPackIds.map((id) => PACKS[id]);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Why an override would loosen the pack: a message key (shared/contract/messages.en.ts) and its parameters. */
export type LooseningKey =
  | 'policy.requiresDoubleOptIn'
  | 'policy.pendingExpiryMax'
  | 'policy.consentAgeMax'
  | 'policy.revokesAll'
  | 'policy.quietHoursWithin'
  | 'policy.windowOrder'
  | 'policy.frequencyCapMax';

/** A field an override would loosen, with why (`message` in English); empty when the overrides only tighten. */
export interface Loosening {
  field: string;
  key: LooseningKey;
  params: Record<string, string | number>;
  message: string;
}

/** A field an override would loosen, with why; empty when the overrides only tighten. */
export function findLoosening(pack: PolicyPack, o: PolicyOverrides): Loosening[] {
  const out: Loosening[] = [];
  const add = (field: string, key: LooseningKey, params: Loosening['params'], message: string) => out.push({ field, key, params, message });
  if (o.doubleOptIn === false && pack.doubleOptIn) add('doubleOptIn', 'policy.requiresDoubleOptIn', {}, 'the pack requires double opt-in');
  if (o.pendingExpiryHours !== undefined && o.pendingExpiryHours > pack.pendingExpiryHours)
    add(
      'pendingExpiryHours',
      'policy.pendingExpiryMax',
      { hours: pack.pendingExpiryHours },
      `at most ${pack.pendingExpiryHours} hours under this pack`,
    );
  if (o.maxConsentAgeDays !== undefined && pack.maxConsentAgeDays !== null && o.maxConsentAgeDays > pack.maxConsentAgeDays)
    add('maxConsentAgeDays', 'policy.consentAgeMax', { days: pack.maxConsentAgeDays }, `at most ${pack.maxConsentAgeDays} days under this pack`);
  if (o.revocationScope === 'channel' && pack.revocationScope === 'all_marketing')
    add('revocationScope', 'policy.revokesAll', {}, 'the pack revokes all marketing on any opt-out');
  if (o.quietHours && pack.quietHours) {
    const { start, end } = pack.quietHours;
    if (minutes(o.quietHours.start) < minutes(start) || minutes(o.quietHours.end) > minutes(end))
      add('quietHours', 'policy.quietHoursWithin', { start, end }, `the send window must lie within ${start}-${end}`);
  }
  if (o.quietHours && minutes(o.quietHours.start) >= minutes(o.quietHours.end))
    add('quietHours', 'policy.windowOrder', {}, 'the window must start before it ends');
  if (o.frequencyCap && pack.frequencyCap) {
    const { messages, days } = pack.frequencyCap;
    if (o.frequencyCap.messages / o.frequencyCap.days > messages / days + 1e-9 || o.frequencyCap.messages > messages)
      add('frequencyCap', 'policy.frequencyCapMax', { messages, days }, `at most ${messages} messages per ${days} days under this pack`);
  }
  return out;
}

/** The pack as the shop applies it: bundled values with the shop's tightening on top. */
export function effectivePolicy(pack: PolicyPack, o: PolicyOverrides): PolicyPack {
  return {
    ...pack,
    doubleOptIn: o.doubleOptIn ?? pack.doubleOptIn,
    pendingExpiryHours: o.pendingExpiryHours ?? pack.pendingExpiryHours,
    maxConsentAgeDays: o.maxConsentAgeDays ?? pack.maxConsentAgeDays,
    revocationScope: o.revocationScope ?? pack.revocationScope,
    quietHours: o.quietHours ?? pack.quietHours,
    frequencyCap: o.frequencyCap ?? pack.frequencyCap,
  };
}

/** Words that name where a record was kept or how it was moved, not how the customer agreed. */
const SYSTEM_WORDS = new Set(
  [
    'crm',
    'срм',
    'црм',
    'amocrm',
    'амоcrm',
    'амосрм',
    'bitrix',
    'bitrix24',
    'битрикс',
    'битрикс24',
    'retailcrm',
    'yclients',
    'hubspot',
    'salesforce',
    'zoho',
    'pipedrive',
    'mailchimp',
    'sendpulse',
    'unisender',
    'klaviyo',
    '1c',
    '1с',
    'excel',
    'csv',
    'xls',
    'xlsx',
    'database',
    'db',
    'base',
    'system',
    'база',
    'базы',
    'базе',
    'система',
    'системы',
    'import',
    'imported',
    'export',
    'exported',
    'импорт',
    'экспорт',
    'выгрузка',
    'выгрузки',
    'загрузка',
    'migration',
    'миграция',
    'old',
    'legacy',
    'previous',
    'старая',
    'старой',
    'старый',
    'прежняя',
    'from',
    'of',
    'the',
    'из',
    'в',
    'file',
    'файл',
    'data',
    'данные',
    'данных',
    'list',
    'список',
    'contacts',
    'контакты',
    'клиенты',
    'клиентов',
    'unknown',
    'неизвестно',
    'other',
    'другое',
    'n',
    'a',
    'na',
    'nd',
    'none',
    'нет',
  ].map((w) => w.normalize('NFKC')),
);

/**
 * Whether an import's consent source only names a system or a file ("CRM", "выгрузка из 1С", "old database"): the
 * CRM's own word that a consent exists, with nothing that says how the customer gave it, is no evidence of it
 * (DOMAIN §1.1 RU-CONSENT-AD: "import from CRM without evidence ⇒ unproven"; GDPR art. 7(1)), so such a "yes" is
 * a claim. A source that says how ("анкета в магазине", "website form", "SMS START") is kept as the file's evidence.
 */
export function sourceNamesOnlyASystem(source: string): boolean {
  // An import asks this of every row with a "yes", and a file has a handful of sources: each is read once.
  let answer = SOURCE_ANSWERS.get(source);
  if (answer === undefined) {
    const words =
      source
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    answer = words.every((w) => SYSTEM_WORDS.has(w) || /^\d+$/.test(w));
    if (SOURCE_ANSWERS.size >= 1024) SOURCE_ANSWERS.clear();
    SOURCE_ANSWERS.set(source, answer);
  }
  return answer;
}
const SOURCE_ANSWERS = new Map<string, boolean>();

/** Evidence kinds a grant by `method` lacks under `pack`; null when the method can never prove a grant there. */
export function missingEvidence(pack: PolicyPack, method: ConsentMethod, ev: ConsentEvidence): EvidenceKind[] | null {
  const needs = pack.grantEvidence[method];
  if (!needs) return null;
  const has: Record<EvidenceKind, boolean> = {
    formVersion: ev.formVersionId !== undefined,
    sheetRef: Boolean(ev.sheetRef || ev.scanSha256),
    inboundMessageId: Boolean(ev.inboundMessageId),
    importSource: Boolean(ev.importBatchId && ev.source && !sourceNamesOnlyASystem(ev.source)),
    note: Boolean(ev.note),
  };
  return needs.filter((k) => !has[k]);
}

import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';
import { lintMessage } from '../../../shared/domain/lint/engine';
import { contactFields } from '../../../shared/domain/lint/profile';
import { detectLanguage } from '../../../shared/domain/lint/text';
import type { Diagnostic, LintInput, LintLocale, LintProfile, LintResult, MessageKind, TemplateButton } from '../../../shared/domain/lint/types';
import type { PolicyPackId } from '../../../shared/domain/policy/policy';
import { useCampaignStore } from './campaign.store';
import { useSettingsStore } from './settings.store';
import { isoToLocalInput, localInputToIso } from '../components/format';

/** A contact whose fields fill the preview. */
export interface SampleContact {
  id: number | null;
  label: string;
  fields: Record<string, string>;
}

/** How a campaign travels: one channel, or WhatsApp first with SMS for those it does not reach. */
export type DraftChannel = 'sms' | 'whatsapp' | 'cascade';

/** A finding, and in a cascade the one channel it concerns when it does not concern both. */
export type ComposeDiagnostic = Diagnostic & { channel?: 'sms' | 'whatsapp' };

/** What the owner is writing and how it is to be sent. */
export interface Draft {
  text: string;
  channel: DraftChannel;
  purpose: 'marketing' | 'service';
  kind: MessageKind;
  policy: PolicyPackId | null;
  /** `YYYY-MM-DDTHH:mm` in the shop's local time, or '' for "now". */
  sendAt: string;
  header: string;
  footer: string;
  optOutButton: boolean;
  /** The campaign's name ('' for a default: the channel and the planned time). */
  name: string;
  /** Everyone in the register, only contacts with any of `tags`, or those a saved segment matches. */
  audience: 'all' | 'tags' | 'segment';
  tags: string[];
  /** The segment's name (audience 'segment'). */
  segment: string;
}

interface ComposeState {
  profile: LintProfile | null;
  rules: Output<'lint.profile'>['rules'];
  draft: Draft;
  sample: SampleContact | null;
  locale: LintLocale;
  result: LintResult | null;
  /** Tags seen on contacts, offered in the audience picker. */
  tagOptions: string[];
  load: () => Promise<void>;
  loadTags: () => Promise<void>;
  /** Plan the draft as a campaign (campaign.plan), named `fallbackName` unless the owner named it; answers the batch's id. */
  plan: (fallbackName: string) => Promise<number>;
  change: (patch: Partial<Draft>) => void;
  setSample: (sample: SampleContact | null) => void;
  setLocale: (locale: LintLocale) => void;
  /** Switch a warning off for the shop (settings), then re-lint. */
  switchOff: (rule: string) => Promise<void>;
}

const EMPTY: Draft = {
  text: '',
  channel: 'sms',
  purpose: 'marketing',
  kind: 'regular',
  policy: null,
  sendAt: '',
  header: '',
  footer: '',
  optOutButton: false,
  name: '',
  audience: 'all',
  tags: [],
  segment: '',
};

/** Contacts read to collect the tags offered in the audience picker (the register has no list of tags of its own). */
const TAG_SCAN_LIMIT = 1000;

/** A local `YYYY-MM-DDTHH:mm` read in the browser's zone, as ISO 8601; null when blank or not a time. */
export function localToIso(local: string): string | null {
  // Only a complete YYYY-MM-DDTHH:mm (a date field hands on what was typed until it is one; Date would guess at it).
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return null;
  // The shop's wall time, as every time on its screens (the computer may be set to another zone).
  const zone = shopZone();
  if (zone) return localInputToIso(local, zone);
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** An ISO instant as `YYYY-MM-DDTHH:mm` in the shop's zone (the browser's until settings are loaded). */
export function isoToLocal(iso: string): string {
  const zone = shopZone();
  if (zone) return isoToLocalInput(iso, zone);
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const shopZone = (): string | undefined => useSettingsStore.getState().settings?.timezone;

/** The label of the quick-reply opt-out button, in the message's language. */
export function optOutButtonText(text: string): string {
  return detectLanguage(text) === 'ru' ? 'Отписаться' : 'Stop promotions';
}

/** The channels a draft is checked for: a cascade must be fit for both. */
export const draftChannels = (channel: DraftChannel): ('sms' | 'whatsapp')[] => (channel === 'cascade' ? ['sms', 'whatsapp'] : [channel]);

/** The linter's input for a draft on one channel (the draft's own, or one leg of a cascade). */
export function lintInput(
  d: Draft,
  sample: SampleContact | null,
  channel: 'sms' | 'whatsapp' = d.channel === 'cascade' ? 'sms' : d.channel,
): LintInput {
  const sendAt = localToIso(d.sendAt);
  const whatsapp = channel === 'whatsapp';
  const buttons: TemplateButton[] = whatsapp && d.optOutButton ? [{ type: 'quick_reply', text: optOutButtonText(d.text) }] : [];
  return {
    text: d.text,
    channel,
    purpose: d.purpose,
    kind: d.kind,
    ...(d.policy ? { policy: d.policy } : {}),
    ...(sendAt ? { sendAt } : {}),
    ...(sample ? { sample: sample.fields } : {}),
    ...(whatsapp && d.header ? { header: d.header } : {}),
    ...(whatsapp && d.footer ? { footer: d.footer } : {}),
    ...(buttons.length ? { buttons } : {}),
  };
}

const findingKey = (d: Diagnostic): string => `${d.rule}|${d.target}|${d.start}|${d.end}`;

/**
 * One result for a cascade: the SMS leg's counter and preview, and the findings of both legs — those that only
 * one leg has are marked with it.
 */
export function mergeCascade(sms: LintResult, whatsapp: LintResult): LintResult {
  const onSms = new Set(sms.diagnostics.map(findingKey));
  const onWhatsapp = new Set(whatsapp.diagnostics.map(findingKey));
  const diagnostics: ComposeDiagnostic[] = [
    ...sms.diagnostics.map((d) => (onWhatsapp.has(findingKey(d)) ? d : { ...d, channel: 'sms' as const })),
    ...whatsapp.diagnostics.filter((d) => !onSms.has(findingKey(d))).map((d) => ({ ...d, channel: 'whatsapp' as const })),
  ].sort((a, b) => a.start - b.start);
  return { ...sms, ok: sms.ok && whatsapp.ok, diagnostics };
}

function relint(s: Pick<ComposeState, 'profile' | 'draft' | 'sample' | 'locale'>): LintResult | null {
  // Linting runs here, in the window, on every keystroke: the engine is pure and takes well under a millisecond.
  const profile = s.profile;
  if (!profile) return null;
  const [first, second] = draftChannels(s.draft.channel).map((channel) => lintMessage(lintInput(s.draft, s.sample, channel), profile, s.locale));
  return second ? mergeCascade(first!, second) : first!;
}

/** The message composer: the draft, the shop's lint profile, and the live result. */
export const useComposeStore = create<ComposeState>((set, get) => ({
  profile: null,
  rules: [],
  draft: EMPTY,
  sample: null,
  locale: 'en',
  result: null,
  tagOptions: [],
  load: async () => {
    const [{ profile, rules }, list] = await Promise.all([call('lint.profile', {}), call('contacts.list', { limit: 1 })]);
    const first = list.contacts[0];
    const sample = get().sample ?? (first ? { id: first.id, label: `${first.name || first.phone}`, fields: contactFields(first.name) } : null);
    set({ profile, rules, sample });
    set({ result: relint(get()) });
  },
  change: (patch) => {
    set({ draft: { ...get().draft, ...patch } });
    set({ result: relint(get()) });
  },
  setSample: (sample) => {
    set({ sample });
    set({ result: relint(get()) });
  },
  setLocale: (locale) => {
    set({ locale });
    set({ result: relint(get()) });
  },
  loadTags: async () => {
    const { contacts } = await call('contacts.list', { limit: TAG_SCAN_LIMIT });
    const seen = new Set<string>([...get().tagOptions, ...contacts.flatMap((c) => c.tags)]);
    set({ tagOptions: [...seen].sort((a, b) => a.localeCompare(b)) });
  },
  plan: async (fallbackName) => {
    const { draft, locale } = get();
    const at = localToIso(draft.sendAt);
    const name = draft.name.trim() || fallbackName;
    const plan = await useCampaignStore.getState().plan({
      channel: draft.channel,
      purpose: draft.purpose,
      text: draft.text,
      locale,
      ...(draft.audience === 'tags' ? { tags: draft.tags } : {}),
      ...(draft.audience === 'segment' && draft.segment ? { segment: draft.segment } : {}),
      ...(at ? { at } : {}),
      ...(name ? { name } : {}),
    });
    return plan.batch;
  },
  switchOff: async (rule) => {
    const profile = get().profile;
    if (!profile) return;
    await call('settings.update', { lintDisabledRules: [...new Set([...profile.disabledRules, rule])] });
    const fresh = await call('lint.profile', {});
    set({ profile: fresh.profile, rules: fresh.rules });
    set({ result: relint(get()) });
  },
}));

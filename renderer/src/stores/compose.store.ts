import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';
import { lintMessage } from '../../../shared/domain/lint/engine';
import { contactFields } from '../../../shared/domain/lint/profile';
import { detectLanguage } from '../../../shared/domain/lint/text';
import type { LintInput, LintLocale, LintProfile, LintResult, MessageKind, TemplateButton } from '../../../shared/domain/lint/types';
import type { PolicyPackId } from '../../../shared/domain/policy/policy';

/** A contact whose fields fill the preview. */
export interface SampleContact {
  id: number | null;
  label: string;
  fields: Record<string, string>;
}

/** What the owner is writing and how it is to be sent. */
export interface Draft {
  text: string;
  channel: 'sms' | 'whatsapp';
  purpose: 'marketing' | 'service';
  kind: MessageKind;
  policy: PolicyPackId | null;
  /** `YYYY-MM-DDTHH:mm` in the shop's local time, or '' for "now". */
  sendAt: string;
  header: string;
  footer: string;
  optOutButton: boolean;
}

interface ComposeState {
  profile: LintProfile | null;
  rules: Output<'lint.profile'>['rules'];
  draft: Draft;
  sample: SampleContact | null;
  locale: LintLocale;
  result: LintResult | null;
  load: () => Promise<void>;
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
};

/** A local `YYYY-MM-DDTHH:mm` read in the browser's zone, as ISO 8601; null when blank or not a time. */
export function localToIso(local: string): string | null {
  if (!local) return null;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** An ISO instant as `YYYY-MM-DDTHH:mm` in the browser's zone (for a datetime-local input). */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The label of the quick-reply opt-out button, in the message's language. */
export function optOutButtonText(text: string): string {
  return detectLanguage(text) === 'ru' ? 'Отписаться' : 'Stop promotions';
}

/** The linter's input for a draft. */
export function lintInput(d: Draft, sample: SampleContact | null): LintInput {
  const sendAt = localToIso(d.sendAt);
  const buttons: TemplateButton[] = d.channel === 'whatsapp' && d.optOutButton ? [{ type: 'quick_reply', text: optOutButtonText(d.text) }] : [];
  return {
    text: d.text,
    channel: d.channel,
    purpose: d.purpose,
    kind: d.kind,
    ...(d.policy ? { policy: d.policy } : {}),
    ...(sendAt ? { sendAt } : {}),
    ...(sample ? { sample: sample.fields } : {}),
    ...(d.channel === 'whatsapp' && d.header ? { header: d.header } : {}),
    ...(d.channel === 'whatsapp' && d.footer ? { footer: d.footer } : {}),
    ...(buttons.length ? { buttons } : {}),
  };
}

function relint(s: Pick<ComposeState, 'profile' | 'draft' | 'sample' | 'locale'>): LintResult | null {
  // Linting runs here, in the window, on every keystroke: the engine is pure and takes well under a millisecond.
  return s.profile ? lintMessage(lintInput(s.draft, s.sample), s.profile, s.locale) : null;
}

/** The message composer: the draft, the shop's lint profile, and the live result. */
export const useComposeStore = create<ComposeState>((set, get) => ({
  profile: null,
  rules: [],
  draft: EMPTY,
  sample: null,
  locale: 'en',
  result: null,
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
  switchOff: async (rule) => {
    const profile = get().profile;
    if (!profile) return;
    await call('settings.update', { lintDisabledRules: [...new Set([...profile.disabledRules, rule])] });
    const fresh = await call('lint.profile', {});
    set({ profile: fresh.profile, rules: fresh.rules });
    set({ result: relint(get()) });
  },
}));

import type { PolicyPack, PolicyPackId } from '../policy/policy';
import type { SmsEncoding } from './gsm';

/** Channels a message can go on. */
export type LintChannel = 'sms' | 'whatsapp';
/** What a message is for. */
export type LintPurpose = 'marketing' | 'service';
/**
 * Which message this is: an ordinary one, the first message of a recurring programme (the opt-in
 * confirmation), a double-opt-in confirmation request, or the one confirmation after an opt-out.
 */
export const MessageKinds = ['regular', 'first_message', 'doi_request', 'optout_confirmation'] as const;
/** Which message this is. */
export type MessageKind = (typeof MessageKinds)[number];
/** Languages diagnostics and fixes are written in. */
export type LintLocale = 'en' | 'ru';
/** A diagnostic's weight: an error blocks sending. */
export type Severity = 'error' | 'warning' | 'info';
/** What part of the message (or its settings) a diagnostic concerns. */
export type LintTarget = 'text' | 'header' | 'footer' | 'buttons' | 'settings' | 'sendAt';

/** A WhatsApp template button. */
export interface TemplateButton {
  type: 'quick_reply' | 'url' | 'phone' | 'copy_code';
  text: string;
}

/** One message to check. */
export interface LintInput {
  text: string;
  channel: LintChannel;
  purpose: LintPurpose;
  kind?: MessageKind;
  /** Pack to check against; the shop's (with its tightening) when absent. */
  policy?: PolicyPackId;
  /** The message's language; detected from the text when absent. */
  language?: LintLocale;
  /** Planned send time (ISO 8601). */
  sendAt?: string;
  /** IANA zones of the recipients; the pack's or the shop's when absent. */
  recipientTimeZones?: string[];
  /** Field values used to fill placeholders in the preview (e.g. a sample contact). */
  sample?: Record<string, string>;
  /** WhatsApp template parts other than the body. */
  header?: string;
  footer?: string;
  buttons?: TemplateButton[];
}

/** The shop's side of linting: identity, domains, limits, switched-off warnings. */
export interface LintProfile {
  businessName: string;
  /** Other names the shop goes by (brand, sign on the door). */
  brandAliases: string[];
  /** SMS sender (alpha-name or number). */
  senderName: string;
  shopPhone: string | null;
  /** Domains the shop's links may point to (lower case, no scheme). */
  shopDomains: string[];
  /** The shop's pack with its tightening applied. */
  policy: PolicyPack;
  /** Segments above which a message is flagged as costly. */
  segmentLimit: number;
  /** Warnings and notices the owner has switched off (errors cannot be). */
  disabledRules: string[];
  /** The shop's time zone: the recipients' when nothing better is known. */
  timezone: string;
  /** Longest value each contact field takes in the register, for the worst-case length. */
  fieldMaxLength: Record<string, number>;
  /** Whether some names in the register need UCS-2 (e.g. Cyrillic), which turns any message using them into UCS-2. */
  namesNeedUcs2: boolean;
}

/** Localised text. */
export type Localized = Record<LintLocale, string>;

/** A replacement of a text range. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A one-click fix: edits to the diagnostic's target, or a new send time. */
export interface LintFix {
  label: string;
  edits: TextEdit[];
  /** For timing diagnostics: the send time that resolves it. */
  sendAt?: string;
}

/** One finding. Offsets are UTF-16 code units into the target's text, end exclusive. */
export interface Diagnostic {
  rule: string;
  severity: Severity;
  target: LintTarget;
  start: number;
  end: number;
  message: string;
  /** The law, platform policy or carrier practice the rule stems from. */
  source: string;
  fix: LintFix | null;
}

/** The result of linting one message. */
export interface LintResult {
  ok: boolean;
  encoding: SmsEncoding;
  characters: number;
  units: number;
  segments: number;
  /** Characters that force UCS-2, each once, in order of first use. */
  ucs2Characters: string[];
  language: LintLocale;
  /** The text as sent to the longest expected recipient (placeholders filled with the longest values). */
  longest: { characters: number; segments: number; encoding: SmsEncoding };
  /** The text filled with the sample's values, when a sample was given. */
  preview: { text: string; characters: number; segments: number; encoding: SmsEncoding } | null;
  diagnostics: Diagnostic[];
}

/** What a rule hands the engine: severity defaults to the rule's. */
export interface Finding {
  start: number;
  end: number;
  message: Localized;
  severity?: Severity;
  target?: LintTarget;
  fix?: { label: Localized; edits: TextEdit[]; sendAt?: string };
}

/** A rule's description, shown in the docs and the settings screen. */
export interface RuleMeta {
  id: string;
  severity: Severity;
  /** Packs the rule applies to; all when absent. */
  packs?: readonly PolicyPackId[];
  channels?: readonly LintChannel[];
  purposes?: readonly LintPurpose[];
  kinds?: readonly MessageKind[];
  title: Localized;
  source: string;
}

/** A lint rule: metadata plus a check over the shared analysis. */
export interface LintRule {
  meta: RuleMeta;
  check(ctx: import('./context').LintContext, report: (f: Finding) => void): void;
}

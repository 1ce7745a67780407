import { getPolicyPack, type PolicyPack } from '../policy/policy';
import { classifyInbound, type InboundIntent } from '../keywords/classify';
import { mayMatch, wordStarts } from './lexicon';
import { analyzeSms, type SmsAnalysis } from './gsm';
import {
  detectLanguage,
  emojiRanges,
  findAll,
  findLinks,
  looseForm,
  lowerSameLength,
  mask,
  parsePlaceholders,
  type BraceProblem,
  type Link,
  type Placeholder,
} from './text';
import type { LintInput, LintLocale, LintProfile, MessageKind, TextEdit } from './types';

const intents = new Map<string, InboundIntent>();

/** The inbound service's reading of a single word under a pack (cached: the same few words recur in every message). */
export function intentOf(word: string, pack: PolicyPack): InboundIntent {
  const key = `${pack.id}\u0000${pack.optOutKeywords.length}\u0000${word}`;
  let intent = intents.get(key);
  if (intent === undefined) {
    intent = classifyInbound(word, undefined, pack.optOutKeywords).intent;
    if (intents.size > 10_000) intents.clear();
    intents.set(key, intent);
  }
  return intent;
}

/** Longest values assumed for contact fields when the register says nothing. */
export const DEFAULT_FIELD_MAX_LENGTH: Record<string, number> = { first_name: 12, name: 30 };

/**
 * Everything the rules look at, computed once per run: placeholders, links, the text with both blanked out
 * (so word lists never match inside a URL or a field name), language, and the SMS analyses.
 */
export class LintContext {
  readonly text: string;
  readonly kind: MessageKind;
  readonly pack: PolicyPack;
  readonly language: LintLocale;
  readonly placeholders: Placeholder[];
  readonly braceProblems: BraceProblem[];
  readonly links: Link[];
  /** The text with placeholders and links blanked to spaces, same length. */
  readonly prose: string;
  /** `prose` in lower case, same length: what the word lists run over. */
  readonly lower: string;
  private rawSms: SmsAnalysis | undefined;
  private longestSms: SmsAnalysis | undefined;
  private loose: string | undefined;
  private starts: Set<string> | undefined;

  constructor(
    readonly input: LintInput,
    readonly profile: LintProfile,
  ) {
    this.text = input.text;
    this.kind = input.kind ?? 'regular';
    this.pack = !input.policy || input.policy === profile.policy.id ? profile.policy : getPolicyPack(input.policy);
    const parsed = parsePlaceholders(this.text);
    this.placeholders = parsed.placeholders;
    this.braceProblems = parsed.problems;
    this.links = findLinks(this.text);
    this.prose = mask(this.text, [...this.placeholders, ...this.links]);
    this.lower = lowerSameLength(this.prose);
    this.language = input.language ?? detectLanguage(this.prose) ?? (this.pack.id === 'ru' ? 'ru' : 'en');
  }

  /** A message that advertises: marketing purpose, ordinary or first message of a programme. */
  get isPromotional(): boolean {
    return this.input.purpose === 'marketing' && (this.kind === 'regular' || this.kind === 'first_message');
  }

  /** Encoding facts of the text exactly as written. */
  get sms(): SmsAnalysis {
    return (this.rawSms ??= analyzeSms(this.text));
  }

  /** Encoding facts with every placeholder filled by the longest value a recipient may have. */
  get longest(): SmsAnalysis {
    if (this.longestSms) return this.longestSms;
    if (this.placeholders.length === 0) return (this.longestSms = this.sms);
    const p = this.profile;
    const filler = p.namesNeedUcs2 ? 'Ж' : 'x';
    const rendered = this.render((name) => {
      if (name === 'shop_name') return p.businessName;
      if (name === 'shop_phone') return p.shopPhone ?? '';
      const max = p.fieldMaxLength[name] ?? DEFAULT_FIELD_MAX_LENGTH[name];
      return max === undefined ? undefined : filler.repeat(max);
    }, true);
    return (this.longestSms = analyzeSms(rendered));
  }

  /** The text with placeholders filled; empty values take the fallback. `longest` keeps the longer of value and fallback. */
  render(valueOf: (field: string) => string | undefined, longest = false): string {
    let out = '';
    let at = 0;
    for (const ph of this.placeholders) {
      const value = valueOf(ph.name);
      if (value === undefined) continue;
      const fallback = ph.fallback ?? '';
      const filled = longest ? (value.length >= fallback.length ? value : fallback) : value.trim() ? value : fallback;
      out += this.text.slice(at, ph.start) + filled;
      at = ph.end;
    }
    return out + this.text.slice(at);
  }

  /** The text lower-cased, `ё`→`е`, punctuation as spaces, padded with spaces for whole-word search. */
  get looseText(): string {
    return (this.loose ??= ` ${looseForm(this.text)} `);
  }

  /** Names the shop goes by, as configured. */
  get shopNames(): string[] {
    return [this.profile.businessName, ...this.profile.brandAliases].map((n) => n.trim()).filter((n) => n.length > 0);
  }

  /** Whether a word would be understood as an opt-out by the inbound keyword service. */
  isOptOutKeyword(word: string): boolean {
    return intentOf(word, this.pack) === 'opt_out';
  }

  /** Matches of a word-list pattern (lower case) in the prose, with the phrase as written in the message. */
  find(pattern: RegExp): { start: number; end: number; text: string }[] {
    if (!mayMatch(pattern, this.lower, (this.starts ??= wordStarts(this.lower)))) return [];
    return findAll(pattern, this.lower).map((m) => ({ ...m, text: this.text.slice(m.start, m.end) }));
  }

  /** Emoji (with their joiners and modifiers) in the text, shared by the SMS rules. */
  get emoji(): { start: number; end: number }[] {
    return this.memo('emoji', () => emojiRanges(this.text));
  }

  /** Memo for analyses several rules share. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
  private readonly memos = new Map<string, unknown>();

  /** The keyword the pack's standard opt-out instruction advertises, for the message's language. */
  get standardOptOutKeyword(): string {
    const instruction = this.pack.messaging.optOutInstruction[this.language];
    const caps = instruction.match(/[\p{Lu}]{3,}/gu);
    return caps?.[caps.length - 1] ?? 'STOP';
  }

  /** Where a sentence appended to the message goes: after the last character, trailing whitespace dropped. */
  get appendAt(): number {
    return this.text.replace(/\s+$/u, '').length;
  }

  /** The edit that appends a sentence, with ". " or " " after the text as its last character needs. */
  appendEdit(sentence: string): TextEdit {
    const at = this.appendAt;
    const separator = at === 0 ? '' : /[.!?…]$/u.test(this.text.slice(0, at)) ? ' ' : '. ';
    return { start: at, end: this.text.length, text: `${separator}${sentence}` };
  }
}

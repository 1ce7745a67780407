/** What an inbound message asks for. */
export type InboundIntent = 'opt_out' | 'opt_in' | 'confirm' | 'help' | 'complaint' | 'other';

/** The classification of one inbound message. */
export interface InboundClassification {
  intent: InboundIntent;
  /** The form code an opt-in names (e.g. `F7-3`), upper-cased. */
  formCode: string | null;
  /** The word or phrase that decided it, as normalised text. */
  matched: string | null;
}

/** Keyword lists; the pack's own opt-out keywords are added to these. */
export interface KeywordLists {
  optOut: readonly string[];
  optIn: readonly string[];
  confirm: readonly string[];
  help: readonly string[];
}

/** The lists every pack understands (FCC "reasonable" words, carrier defaults, Russian equivalents). */
export const DEFAULT_KEYWORDS: KeywordLists = {
  optOut: [
    'STOP',
    'STOPALL',
    'STOP ALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'REVOKE',
    'OPT OUT',
    'OPTOUT',
    'СТОП',
    'ОТПИСАТЬСЯ',
    'ОТПИСКА',
    'ОТМЕНА',
    'ХВАТИТ',
  ],
  optIn: ['START', 'SUBSCRIBE', 'JOIN', 'UNSTOP', 'ПОДПИСАТЬСЯ', 'ПОДПИСКА', 'СТАРТ'],
  confirm: ['YES', 'Y', 'JA', 'ДА', 'ПОДТВЕРЖДАЮ', 'СОГЛАСЕН', 'СОГЛАСНА'],
  help: ['HELP', 'INFO', 'ПОМОЩЬ', 'СПРАВКА'],
};

// JavaScript's \b only knows ASCII letters; these word edges also work for Cyrillic.
const words = (source: string): RegExp => new RegExp(source.replace(/\\b/g, '(?<![\\p{L}\\p{N}])').replace(/\\e/g, '(?![\\p{L}\\p{N}])'), 'u');

// Free-text withdrawals a reasonable person would read as "stop" (FCC 47 CFR 64.1200(a)(10)); stems cover Russian word forms.
const OPT_OUT_PHRASES: readonly RegExp[] = [
  String.raw`\b(stop|quit) (texting|messaging|sending|contacting)\e`,
  String.raw`\b(don ?t|do not|never) (text|message|contact|send)\e`,
  String.raw`\bremove me\e`,
  String.raw`\btake me off\e`,
  String.raw`\bunsubscribe me\e`,
  String.raw`\bне (пиши|присыла|отправля|беспоко|звон)\p{L}*`,
  String.raw`\bотпиш\p{L}*`,
  String.raw`\bудали\p{L}* (мой|меня|номер)`,
  String.raw`\bбольше не (пиши|присыла|надо|нужно)\p{L}*`,
].map(words);

const COMPLAINT_PHRASES: readonly RegExp[] = [
  String.raw`\bspam\p{L}*`,
  String.raw`\bспам\p{L}*`,
  String.raw`\bжалоб\p{L}*`,
  String.raw`\bпожалу\p{L}*сь\e`,
  String.raw`\breport(ed|ing)? (you|this)\e`,
  String.raw`\bhow did you get my (number|phone)\e`,
  String.raw`\bоткуда у (вас|тебя) мой (номер|телефон)\e`,
  String.raw`\bроскомнадзор\p{L}*|\bфас\e|\bftc\e|\bfcc\e`,
].map(words);

// Everyday words ("the END of the month", "CANCEL my order") count as an opt-out only when they open the message.
const START_ONLY = new Set(['END', 'CANCEL', 'QUIT', 'ОТМЕНА', 'ХВАТИТ']);

const FORM_CODE = /\b(F\d{1,4}-\d{1,4})\b/i;

/** Upper-case, accents off Latin letters (ARRÊT → ARRET; Й stays Й), Ё folded to Е, punctuation to spaces. */
export function normalizeInbound(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/([A-Za-z])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toUpperCase()
    .replace(/Ё/g, 'Е')
    .replace(/[^\p{L}\p{N}-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function startsWithKeyword(words: string, keywords: readonly string[]): string | null {
  for (const k of keywords) {
    const key = normalizeInbound(k);
    if (words === key || words.startsWith(`${key} `)) return key;
  }
  return null;
}

function containsWord(words: string, keywords: readonly string[]): string | null {
  const padded = ` ${words} `;
  for (const k of keywords) {
    const key = normalizeInbound(k);
    if (key.length >= 3 && padded.includes(` ${key} `)) return key;
  }
  return null;
}

/**
 * Classify an inbound message. An opt-out anywhere in the text wins over everything else: a customer who
 * writes "YES STOP" or "спасибо, но отпишите меня" has asked to stop.
 */
export function classifyInbound(text: string, lists: KeywordLists = DEFAULT_KEYWORDS, packOptOut: readonly string[] = []): InboundClassification {
  const words = normalizeInbound(text);
  const lower = words.toLowerCase();
  const optOut = [...packOptOut, ...lists.optOut];
  const out =
    startsWithKeyword(words, optOut) ??
    containsWord(
      words,
      optOut.filter((k) => !START_ONLY.has(normalizeInbound(k))),
    );
  if (out) return { intent: 'opt_out', formCode: null, matched: out };
  const phrase = OPT_OUT_PHRASES.find((re) => re.test(lower));
  if (phrase) return { intent: 'opt_out', formCode: null, matched: lower.match(phrase)?.[0] ?? null };
  const complaint = COMPLAINT_PHRASES.find((re) => re.test(lower));
  if (complaint) return { intent: 'complaint', formCode: null, matched: lower.match(complaint)?.[0] ?? null };
  const code = FORM_CODE.exec(words)?.[1]?.toUpperCase() ?? null;
  const optIn = startsWithKeyword(words, lists.optIn);
  if (optIn || (code && containsWord(words, lists.optIn)))
    return { intent: 'opt_in', formCode: code, matched: optIn ?? containsWord(words, lists.optIn) };
  const confirm = startsWithKeyword(words, lists.confirm);
  if (confirm) return { intent: 'confirm', formCode: code, matched: confirm };
  const help = startsWithKeyword(words, lists.help);
  if (help) return { intent: 'help', formCode: null, matched: help };
  return { intent: 'other', formCode: code, matched: null };
}

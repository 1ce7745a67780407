/** Text helpers the rules share: Cyrillic-safe word patterns, placeholders, links, sentences. */

/**
 * A regular expression with word edges that also work for Cyrillic (`\b` in JavaScript only knows ASCII):
 * `\b` marks a word start, `\e` a word end. Global and Unicode-aware but case-sensitive: patterns are written
 * in lower case and run over lower-cased text, because case-insensitive Unicode matching is several times slower.
 */
export function wordPattern(source: string): RegExp {
  return new RegExp(source.replace(/\\b/g, '(?<![\\p{L}\\p{N}])').replace(/\\e/g, '(?![\\p{L}\\p{N}])'), 'gu');
}

/** Lower-cased text of the same length (a character whose lower case is longer, like İ, is kept as it is). */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** Every match of a global pattern as ranges. */
export function findAll(re: RegExp, text: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex += 1;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

/** Contact and shop fields a message may use. */
export const PLACEHOLDER_FIELDS = ['first_name', 'name', 'shop_name', 'shop_phone'] as const;
/** Fields some contacts lack, so a placeholder for them needs a fallback. */
export const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['first_name', 'name']);

/** One `{{…}}` in the text. */
export interface Placeholder {
  start: number;
  end: number;
  /** What is between the braces, as written. */
  inner: string;
  name: string;
  fallback: string | null;
  /** Positional WhatsApp style (`{{1}}`). */
  positional: boolean;
  /** The name is well-formed (lower-case letters, digits, underscores; or a positive number). */
  wellFormed: boolean;
  /** Spaces inside the braces (`{{ name }}`). */
  spaced: boolean;
}

/** A `{{` without its `}}` or a `}}` without its `{{`. */
export interface BraceProblem {
  start: number;
  end: number;
  kind: 'unclosed' | 'unopened';
}

const NAME = /^[a-z][a-z0-9_]*$/;
const POSITION = /^[1-9][0-9]*$/;

/** Placeholders and unbalanced braces in a text. Fallbacks are written `{{first_name|there}}`. */
export function parsePlaceholders(text: string): { placeholders: Placeholder[]; problems: BraceProblem[] } {
  const placeholders: Placeholder[] = [];
  const problems: BraceProblem[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    const close = text.indexOf('}}', i);
    if (open < 0 && close < 0) break;
    if (close >= 0 && (open < 0 || close < open)) {
      problems.push({ start: close, end: close + 2, kind: 'unopened' });
      i = close + 2;
      continue;
    }
    const end = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (end < 0 || (nextOpen >= 0 && nextOpen < end)) {
      problems.push({ start: open, end: open + 2, kind: 'unclosed' });
      i = open + 2;
      continue;
    }
    const inner = text.slice(open + 2, end);
    const bar = inner.indexOf('|');
    const rawName = bar < 0 ? inner : inner.slice(0, bar);
    const name = rawName.trim();
    placeholders.push({
      start: open,
      end: end + 2,
      inner,
      name,
      fallback: bar < 0 ? null : inner.slice(bar + 1).trim(),
      positional: POSITION.test(name),
      wellFormed: NAME.test(name) || POSITION.test(name),
      spaced: rawName !== name,
    });
    i = end + 2;
  }
  return { placeholders, problems };
}

/** No placeholder at the very start or end of the text and none side by side (WhatsApp template rules). */
export function placeholdersFitWhatsApp(text: string): boolean {
  const ps = parsePlaceholders(text).placeholders;
  const first = text.search(/[^\s\u200b-\u200d\u2060\ufeff\u00ad]/u);
  const last = text.replace(/[\s\u200b-\u200d\u2060\ufeff\u00ad]+$/u, '').length;
  return ps.every((p, i) => p.start !== first && p.end !== last && (i === 0 || /[\p{L}\p{N}]/u.test(text.slice(ps[i - 1]!.end, p.start))));
}

/** A link in the text. */
export interface Link {
  start: number;
  end: number;
  url: string;
  scheme: 'http' | 'https' | null;
  /** Lower-case host without `www.`. */
  host: string;
}

const LINK =
  /(?:https?:\/\/[^\s<>"«»]+|(?<![\p{L}\p{N}@.-])(?:www\.)?(?:[a-z0-9][a-z0-9-]*\.)+(?:com|ru|рф|net|org|ly|me|io|co|uk|de|ca|us|info|shop|store|su|by|kz|eu|gl|cc|to|gd|at|link|site|online|app|biz|page)(?![\p{L}\p{N}-])(?:[/?#][^\s<>"«»]*)?)/giu;

/** Links in a text, with trailing sentence punctuation left out. */
export function findLinks(text: string): Link[] {
  const out: Link[] = [];
  for (const m of findAll(LINK, text)) {
    const url = m.text.replace(/[.,!?:;)\]]+$/u, '');
    const scheme = /^https:/i.test(url) ? 'https' : /^http:/i.test(url) ? 'http' : null;
    const host = url
      .replace(/^https?:\/\//i, '')
      .replace(/[/?#].*$/u, '')
      .replace(/:\d+$/, '')
      .toLowerCase()
      .replace(/^www\./, '');
    out.push({ start: m.start, end: m.start + url.length, url, scheme, host });
  }
  return out;
}

/** The text with the given ranges blanked to spaces (same length, so offsets still hold). */
export function mask(text: string, ranges: readonly { start: number; end: number }[]): string {
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start < at) continue;
    out += text.slice(at, r.start) + ' '.repeat(r.end - r.start);
    at = r.end;
  }
  return out + text.slice(at);
}

/** The sentence around an offset: from after the previous `.!?` or line break to the next one (inclusive). */
export function sentenceAt(text: string, index: number): { start: number; end: number } {
  let start = index;
  while (start > 0 && !/[.!?…\n]/u.test(text[start - 1]!)) start -= 1;
  let end = index;
  while (end < text.length && !/[.!?…\n]/u.test(text[end]!)) end += 1;
  while (end < text.length && /[.!?…]/u.test(text[end]!)) end += 1;
  return { start, end };
}

/** The language a text is mostly written in, or null when it has no letters. */
export function detectLanguage(text: string): 'en' | 'ru' | null {
  let cyr = 0;
  let lat = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x400 && c <= 0x4ff) cyr += 1;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) lat += 1;
  }
  if (cyr === 0 && lat === 0) return null;
  return cyr >= lat ? 'ru' : 'en';
}

const looseCache = new Map<string, string>();

/** Lower-case, `ё`→`е`, quotes and punctuation dropped, spaces collapsed: for "does the text name X" checks. */
export function looseForm(text: string): string {
  // Shop names and disclosures recur in every run: remember the short ones.
  if (text.length > 120) return looseUncached(text);
  let out = looseCache.get(text);
  if (out === undefined) {
    out = looseUncached(text);
    if (looseCache.size > 1000) looseCache.clear();
    looseCache.set(text, out);
  }
  return out;
}

function looseUncached(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}&+]+/gu, ' ')
    .trim();
}

const EMOJI = /(?:\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\ufe0e|\ufe0f|\p{Emoji_Modifier}|\u200d\p{Extended_Pictographic}\ufe0f?)*)/gu;

/** Ranges of emoji (with their joiners and modifiers) in the text. */
export function emojiRanges(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  EMOJI.lastIndex = 0;
  for (let m = EMOJI.exec(text); m; m = EMOJI.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

import type { LintContext } from '../context';
import type { LintRule } from '../types';
import { gsmCost, MAX_SMS_CHARACTERS, MAX_SMS_SEGMENTS, SEGMENT_SIZES } from '../gsm';

/** GSM-safe stand-ins for characters that silently force UCS-2 (DOMAIN.md §5; Twilio/Sinch smart-encoding lists). */
const REPLACEMENTS: Record<string, string> = {};
const add = (chars: string, replacement: string): void => {
  for (const ch of chars) REPLACEMENTS[ch] = replacement;
};
add('“”„‟«»″❝❞＂ʺˮ〝〞', '"');
add('‘’‚‛´`′‹›ʹʻʼʽˈˊˋ❛❜＇', "'");
add('‐‑‒–—―−⁃', '-');
add('•‣◦∙·', '-');
REPLACEMENTS['…'] = '...';
REPLACEMENTS['₽'] = 'RUB';
REPLACEMENTS['№'] = 'No.';
REPLACEMENTS['™'] = 'TM';
REPLACEMENTS['©'] = '(c)';
REPLACEMENTS['®'] = '(R)';
REPLACEMENTS['ç'] = 'Ç';
REPLACEMENTS['×'] = 'x';
REPLACEMENTS['½'] = '1/2';
REPLACEMENTS['¼'] = '1/4';
REPLACEMENTS['¾'] = '3/4';

// Cyrillic and Greek letters that look like Latin ones: inside a Latin word they are almost always a slip.
const HOMOGLYPHS: Record<string, string> = {};
const homoglyph = (from: string, to: string): void => {
  [...from].forEach((ch, i) => (HOMOGLYPHS[ch] = to[i]!));
};
homoglyph('аеорсухАВЕКМНОРСТХіјѕ', 'aeopcyxABEKMHOPCTXijs');
homoglyph('ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοα', 'ABEZHIKMNOPTYXoa');

const SPACE_LIKE = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/u;
const ZERO_WIDTH = /[\u200b\u200c\u2060\ufeff\u00ad]|\u200d|\ufe0f|\ufe0e/u;
function wordAround(text: string, index: number): string {
  let s = index;
  while (s > 0 && /[\p{L}\p{N}]/u.test(text[s - 1]!)) s -= 1;
  let e = index + 1;
  while (e < text.length && /[\p{L}\p{N}]/u.test(text[e]!)) e += 1;
  return text.slice(s, e);
}

/** The GSM replacement of one non-GSM character, '' to drop it, or null when there is none. */
function replacementFor(text: string, index: number, ch: string): string | null {
  const direct = REPLACEMENTS[ch];
  if (direct !== undefined) return direct;
  const glyph = HOMOGLYPHS[ch];
  if (glyph !== undefined && /[A-Za-z]/.test(wordAround(text, index))) return glyph;
  const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
  if (base !== ch && base.length > 0 && [...base].every((c) => gsmCost(c.codePointAt(0)!) > 0)) return base;
  return null;
}

const ODD_CHARS = /[\u00a0\u2000-\u200c\u202f\u205f\u3000\u2060\ufeff\u00ad\t]|\u200d|\ufe0f|\ufe0e/u;
const isInvisible = (ch: string, channel: string): boolean => SPACE_LIKE.test(ch) || ZERO_WIDTH.test(ch) || (channel === 'sms' && ch === '\t');

/** LINT-SMS-ENCODING: the encoding, length and segments, as a notice. */
export const smsEncoding: LintRule = {
  meta: {
    id: 'LINT-SMS-ENCODING',
    severity: 'info',
    channels: ['sms'],
    title: { en: 'SMS encoding and segments', ru: 'Кодировка и части SMS' },
    source: '3GPP TS 23.038 (GSM 03.38); Twilio segment rules',
  },
  check(ctx, report) {
    const a = ctx.longest;
    const { single, part } = SEGMENT_SIZES[a.encoding];
    const size = a.segments > 1 ? part : single;
    const why =
      a.encoding === 'UCS-2'
        ? ctx.sms.encoding === 'UCS-2'
          ? { en: ' (the text has characters outside GSM-7)', ru: ' (в тексте есть символы вне GSM-7)' }
          : { en: ' (some customers’ names need it)', ru: ' (этого требуют имена некоторых клиентов)' }
        : { en: '', ru: '' };
    report({
      start: 0,
      end: 0,
      message: {
        en: `${a.encoding}${why.en}: ${a.units} ${a.encoding === 'GSM-7' ? 'septets' : 'code units'}, ${a.segments} segment${a.segments === 1 ? '' : 's'} of up to ${size}`,
        ru: `${a.encoding}${why.ru}: ${a.units} ${a.encoding === 'GSM-7' ? 'септет(ов)' : 'единиц UTF-16'}, частей: ${a.segments} (до ${size} в каждой)`,
      },
    });
  },
};

/** LINT-UCS2-TRIGGER: characters that turn an otherwise GSM-7 text into UCS-2. */
export const ucs2Trigger: LintRule = {
  meta: {
    id: 'LINT-UCS2-TRIGGER',
    severity: 'warning',
    channels: ['sms'],
    title: { en: 'Characters that double the SMS cost', ru: 'Символы, удорожающие SMS' },
    source: '3GPP TS 23.038; Twilio Smart Encoding list; Sinch auto-encoding',
  },
  check(ctx, report) {
    const found = ucs2Fixable(ctx);
    if (!found) return;
    for (const f of found.chars)
      report({
        start: f.start,
        end: f.end,
        message: {
          en: `"${f.char}" is not in GSM-7: it makes the whole SMS UCS-2 (70 characters a segment instead of 160)${f.replacement === '' ? '' : `; use "${f.replacement}"`}`,
          ru: `«${f.char}» нет в GSM-7: из-за него всё SMS уходит в UCS-2 (70 символов в части вместо 160)${f.replacement === '' ? '' : `; замените на «${f.replacement}»`}`,
        },
        fix: {
          label:
            f.replacement === '' ? { en: 'Remove', ru: 'Удалить' } : { en: `Replace with "${f.replacement}"`, ru: `Заменить на «${f.replacement}»` },
          edits: [{ start: f.start, end: f.end, text: f.replacement }],
        },
      });
  },
};

/** Non-GSM characters when every one of them can be replaced or dropped; null when UCS-2 is unavoidable. */
function ucs2Fixable(ctx: LintContext): { chars: { start: number; end: number; char: string; replacement: string }[] } | null {
  const nonGsm = ctx.sms.nonGsm;
  if (nonGsm.length === 0) return null;
  const emoji = ctx.emoji;
  const chars: { start: number; end: number; char: string; replacement: string }[] = [];
  for (const e of emoji) chars.push({ start: e.start, end: e.end, char: ctx.text.slice(e.start, e.end), replacement: '' });
  for (const c of nonGsm) {
    if (emoji.some((e) => c.index >= e.start && c.index < e.end)) continue;
    if (isInvisible(c.char, 'sms')) continue; // LINT-INVISIBLE-CHAR's
    const replacement = replacementFor(ctx.text, c.index, c.char);
    if (replacement === null) return null;
    chars.push({ start: c.index, end: c.index + c.char.length, char: c.char, replacement });
  }
  return { chars: chars.sort((a, b) => a.start - b.start) };
}

/** LINT-INVISIBLE-CHAR: zero-width characters, non-breaking and odd spaces, tabs and runs of spaces. */
export const invisibleChar: LintRule = {
  meta: {
    id: 'LINT-INVISIBLE-CHAR',
    severity: 'warning',
    title: { en: 'No invisible characters', ru: 'Без невидимых символов' },
    source: '3GPP TS 23.038 (they force UCS-2); Twilio Smart Encoding list; WhatsApp template formatting rules',
  },
  check(ctx, report) {
    const text = ctx.text;
    const sms = ctx.input.channel === 'sms';
    if (!ODD_CHARS.test(text) && !(sms && text.includes('   '))) return;
    const emoji = ctx.emoji;
    const inEmoji = (i: number): boolean => emoji.some((e) => i >= e.start && i < e.end);
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      const odd = (c: string, at: number): boolean => isInvisible(c, ctx.input.channel) && !inEmoji(at);
      if (!(odd(ch, i) || ch === ' ')) {
        i += 1;
        continue;
      }
      let j = i;
      let hasOdd = false;
      let hasSpace = false;
      let spaces = 0;
      while (j < text.length && (odd(text[j]!, j) || text[j] === ' ')) {
        if (odd(text[j]!, j)) hasOdd = true;
        if (text[j] === ' ' || SPACE_LIKE.test(text[j]!) || text[j] === '\t') hasSpace = true;
        if (text[j] === ' ') spaces += 1;
        j += 1;
      }
      if (hasOdd || (sms && spaces >= 3)) {
        const replacement = hasSpace ? ' ' : '';
        const shown = [...text.slice(i, j)]
          .map((c) => (c === ' ' ? '␠' : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`))
          .join(' ');
        report({
          start: i,
          end: j,
          message: hasOdd
            ? {
                en: `Invisible or unusual space characters here (${shown})${sms ? ': they force UCS-2' : ''}`,
                ru: `Здесь невидимые или необычные пробельные символы (${shown})${sms ? ': из-за них SMS уходит в UCS-2' : ''}`,
              }
            : { en: `${spaces} spaces in a row cost characters`, ru: `${spaces} пробела подряд тратят символы` },
          fix: {
            label: replacement ? { en: 'Replace with one space', ru: 'Заменить одним пробелом' } : { en: 'Remove', ru: 'Удалить' },
            edits: [{ start: i, end: j, text: replacement }],
          },
        });
      }
      i = j;
    }
  },
};

/** LINT-SEGMENT-BUDGET: more segments than the shop wants to pay for. */
export const segmentBudget: LintRule = {
  meta: {
    id: 'LINT-SEGMENT-BUDGET',
    severity: 'warning',
    channels: ['sms'],
    title: { en: 'Within the segment budget', ru: 'В пределах бюджета частей' },
    source: 'Each segment is billed as one SMS (Twilio, SMS.ru, SMSC); Twilio recommends at most 320 characters',
  },
  check(ctx, report) {
    const a = ctx.longest;
    const limit = ctx.profile.segmentLimit;
    if (a.segments <= limit || a.segments > MAX_SMS_SEGMENTS) return;
    const perPart = SEGMENT_SIZES[a.encoding].part;
    // Where the text leaves the budget, counted on the text as written.
    let used = 0;
    let start = ctx.text.length;
    for (let i = 0; i < ctx.text.length; i++) {
      const cp = ctx.text.codePointAt(i)!;
      used += a.encoding === 'GSM-7' ? Math.max(1, gsmCost(cp)) : cp > 0xffff ? 2 : 1;
      if (used > limit * perPart) {
        start = i;
        break;
      }
      if (cp > 0xffff) i += 1;
    }
    report({
      start: Math.min(start, ctx.text.length),
      end: ctx.text.length,
      message: {
        en: `${a.segments} segments (your limit is ${limit}): each one is billed as a separate SMS`,
        ru: `${a.segments} частей (ваш предел — ${limit}): каждая оплачивается как отдельное SMS`,
      },
    });
  },
};

/** LINT-SMS-LENGTH: longer than providers accept. */
export const smsLength: LintRule = {
  meta: {
    id: 'LINT-SMS-LENGTH',
    severity: 'error',
    channels: ['sms'],
    title: { en: 'Not longer than providers accept', ru: 'Не длиннее, чем принимают провайдеры' },
    source: 'Twilio: at most 1,600 characters; Telnyx and most gateways: at most 10 segments',
  },
  check(ctx, report) {
    const a = ctx.longest;
    if (a.characters <= MAX_SMS_CHARACTERS && a.segments <= MAX_SMS_SEGMENTS) return;
    report({
      start: 0,
      end: ctx.text.length,
      message: {
        en: `Too long for an SMS: ${a.characters} characters, ${a.segments} segments (at most ${MAX_SMS_CHARACTERS} characters and ${MAX_SMS_SEGMENTS} segments)`,
        ru: `Слишком длинно для SMS: ${a.characters} символов, частей: ${a.segments} (не более ${MAX_SMS_CHARACTERS} символов и ${MAX_SMS_SEGMENTS} частей)`,
      },
    });
  },
};

import type { LintRule, Localized } from '../types';
import { CONDITIONS, FREE, GUARANTEE, SUPERLATIVE, URGENCY } from '../lexicon';
import { findAll, looseForm } from '../text';
import { DEFAULT_KEYWORDS } from '../../keywords/classify';

function phraseRule(id: string, pattern: RegExp, title: Localized, source: string, message: (phrase: string) => Localized): LintRule {
  return {
    meta: { id, severity: 'warning', title, source },
    check(ctx, report) {
      for (const m of ctx.find(pattern)) report({ start: m.start, end: m.end, message: message(m.text) });
    },
  };
}

/** LINT-CLAIM-GUARANTEE: guarantees and "no risk" promises. */
export const claimGuarantee = phraseRule(
  'LINT-CLAIM-GUARANTEE',
  GUARANTEE,
  { en: 'No unconditional guarantees', ru: 'Без безусловных гарантий' },
  '38-FZ art. 5 part 3; Directive 2005/29/EC (unfair commercial practices) art. 6; FTC Act s. 5; CPRs 2008 (UK)',
  (p) => ({
    en: `"${p}": a guarantee must be true and its terms stated, or it misleads`,
    ru: `«${p}»: гарантия должна быть правдой, а её условия — указаны, иначе реклама недостоверна`,
  }),
);

/** LINT-CLAIM-URGENCY: pressure to decide at once. */
export const claimUrgency = phraseRule(
  'LINT-CLAIM-URGENCY',
  URGENCY,
  { en: 'No false urgency', ru: 'Без ложной срочности' },
  'Directive 2005/29/EC Annex I no. 7; CPRs 2008 Sch. 1 no. 7 (UK); 38-FZ art. 5 part 3; carriers’ spam filters',
  (p) => ({
    en: `"${p}": a time limit must be real; false urgency is an unfair practice and triggers spam filters`,
    ru: `«${p}»: ограничение по времени должно быть настоящим; ложная срочность вводит в заблуждение и настораживает спам-фильтры`,
  }),
);

/** LINT-CLAIM-SUPERLATIVE: "the best", "№1" without grounds. */
export const claimSuperlative = phraseRule(
  'LINT-CLAIM-SUPERLATIVE',
  SUPERLATIVE,
  { en: 'No unfounded superlatives', ru: 'Без необоснованных превосходных степеней' },
  '38-FZ art. 5 part 3 item 1 (incorrect comparison); Directive 2006/114/EC; FTC substantiation policy',
  (p) => ({
    en: `"${p}": a claim to be the best or the cheapest needs proof you can show`,
    ru: `«${p}»: утверждение «лучший», «самый дешёвый», «№1» требует подтверждения (ФАС считает его недостоверным без него)`,
  }),
);

/** LINT-CLAIM-FREE: "free" without its conditions. */
export const claimFree: LintRule = {
  meta: {
    id: 'LINT-CLAIM-FREE',
    severity: 'warning',
    title: { en: '"Free" states its conditions', ru: '«Бесплатно» — с условиями' },
    source: 'Directive 2005/29/EC Annex I no. 20; 16 CFR 251 (FTC guide on "free"); 38-FZ art. 5 part 7',
  },
  check(ctx, report) {
    if (ctx.find(CONDITIONS).length > 0) return;
    for (const m of ctx.find(FREE))
      report({
        start: m.start,
        end: m.end,
        message: {
          en: `"${m.text}" with no conditions: if anything must be bought or paid, say so (e.g. "with any purchase*")`,
          ru: `«${m.text}» без условий: если нужно что-то купить или оплатить, укажите это (например, «при покупке от 1000 ₽»)`,
        },
      });
  },
};

// A word of two or more letters, all capitals (a digit or a lower-case letter next to it makes it something else).
const CAPS_WORD = /(?<![\p{L}\p{N}])\p{Lu}{2,}(?![\p{L}\p{N}])/gu;
const capitalsCache = new Map<string, Set<string>>();

/** Words that may stand in capitals: the keywords customers are told to send, and the shop's own names. */
function allowedCapitals(packKeywords: readonly string[], names: readonly string[]): Set<string> {
  const key = [...packKeywords, '\u0000', ...names].join('\u0001');
  let allowed = capitalsCache.get(key);
  if (!allowed) {
    allowed = new Set<string>();
    for (const k of [...DEFAULT_KEYWORDS.optOut, ...DEFAULT_KEYWORDS.optIn, ...DEFAULT_KEYWORDS.confirm, ...DEFAULT_KEYWORDS.help, ...packKeywords])
      for (const w of k.split(/\s+/u)) allowed.add(w.toUpperCase());
    for (const n of names) for (const w of looseForm(n).split(' ')) allowed.add(w.toUpperCase());
    if (capitalsCache.size > 100) capitalsCache.clear();
    capitalsCache.set(key, allowed);
  }
  return allowed;
}

/** LINT-CAPS: whole phrases in capitals read as shouting and trip spam filters. */
export const caps: LintRule = {
  meta: {
    id: 'LINT-CAPS',
    severity: 'warning',
    title: { en: 'No shouting in capitals', ru: 'Без сплошных заглавных букв' },
    source: 'CTIA Messaging Principles (content that looks like spam); carriers’ filtering; WhatsApp Business Messaging Policy (quality rating)',
  },
  check(ctx, report) {
    if (!/\p{Lu}{2}/u.test(ctx.prose)) return;
    const allowed = allowedCapitals(ctx.pack.optOutKeywords, ctx.shopNames);
    // Only words written wholly in capitals can form a run: find those, then group neighbours.
    const capsWords = findAll(CAPS_WORD, ctx.prose).filter((m) => !allowed.has(m.text));
    const runs: { start: number; end: number; words: { start: number; end: number }[]; letters: number }[] = [];
    for (const m of capsWords) {
      const last = runs[runs.length - 1];
      if (last && !/[\p{L}\p{N}.!?\n]/u.test(ctx.prose.slice(last.end, m.start))) {
        last.end = m.end;
        last.words.push({ start: m.start, end: m.end });
        last.letters += m.text.length;
      } else runs.push({ start: m.start, end: m.end, words: [{ start: m.start, end: m.end }], letters: m.text.length });
    }
    for (const r of runs) {
      if (!((r.words.length >= 2 && r.letters >= 8) || (r.words.length === 1 && r.letters >= 7))) continue;
      const atSentenceStart = /(^|[.!?\n]\s*)$/u.test(ctx.text.slice(0, r.start));
      const edits = r.words.map((w, i) => {
        const word = ctx.text.slice(w.start, w.end).toLowerCase();
        return { start: w.start, end: w.end, text: i === 0 && atSentenceStart ? word[0]!.toUpperCase() + word.slice(1) : word };
      });
      const phrase = ctx.text.slice(r.start, r.end);
      report({
        start: r.start,
        end: r.end,
        message: { en: `"${phrase}" is written in capitals: it reads as shouting`, ru: `«${phrase}» написано заглавными: воспринимается как крик` },
        fix: { label: { en: 'Write in lower case', ru: 'Написать строчными' }, edits },
      });
    }
  },
};

/** LINT-EXCLAMATION: runs of "!!!" or "?!?!". */
export const exclamation: LintRule = {
  meta: {
    id: 'LINT-EXCLAMATION',
    severity: 'warning',
    title: { en: 'No runs of exclamation marks', ru: 'Без серий восклицательных знаков' },
    source: 'CTIA Messaging Principles (content that looks like spam); carriers’ filtering',
  },
  check(ctx, report) {
    for (const m of findAll(/!{2,}|[!?]{3,}/gu, ctx.prose)) {
      const one = m.text.includes('?') && m.text[0] === '?' ? '?' : '!';
      report({
        start: m.start,
        end: m.end,
        message: { en: `"${m.text}": one mark is enough`, ru: `«${m.text}»: достаточно одного знака` },
        fix: { label: { en: `Replace with "${one}"`, ru: `Заменить на «${one}»` }, edits: [{ start: m.start, end: m.end, text: one }] },
      });
    }
  },
};

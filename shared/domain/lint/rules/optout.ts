import type { LintContext } from '../context';
import type { LintRule } from '../types';
import { FREQUENCY, HELP, RATES } from '../lexicon';
import { findAll } from '../text';
import { intentOf } from '../context';

/** A sentence that tells the customer how to stop, and the keyword(s) it advertises. */
interface Instruction {
  start: number;
  end: number;
  /** The word right after the verb ("Reply X…"), or after the colon ("Отписка: X"). */
  token: { start: number; end: number; text: string } | null;
  /** Whether any advertised word is one the inbound service takes as an opt-out. */
  valid: boolean;
}

const TOPIC =
  /\b(opt[- ]?out|unsubscribe|stop (receiving|getting|these|all|messages|texts|marketing|promotions)|to (stop|cancel|end|quit)|be removed|no more (messages|texts))\b|(?<![\p{L}])(отпис|отказ|прекрат|не получать|больше не получать)/u;
const UPPER_TOPIC = /(?<![\p{L}\p{N}])(STOP|СТОП|UNSUBSCRIBE|ОТПИСАТЬСЯ)(?![\p{L}\p{N}])/u;
const VERB =
  /(?<![\p{L}\p{N}])(reply|text|txt|send|respond|sms|ответьте|ответь|отправьте|отправь|напишите|напиши|пришлите|ответ(?:ом)?|смс)(?:\s+(?:with|the word|word|словом|слово|сообщение|текст))*\s*[:—-]?\s*["'«“]?([\p{L}\p{N}][\p{L}\p{N}-]*)/gu;
const COLON = /(?<![\p{L}])(opt[- ]?out|unsubscribe|отписаться|отписка|отказ от рассылки)\s*[:—-]\s*["'«“]?([\p{L}\p{N}][\p{L}\p{N}-]*)/gu;
const CAPS_WORD = /(?<![\p{L}\p{N}])[\p{Lu}][\p{Lu}\p{N}-]+(?![\p{L}\p{N}])/gu;

function sentences(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /[^.!?…\n]+[.!?…]*/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** The opt-out instructions in the message, valid or not. */
export function findOptOutInstructions(ctx: LintContext): Instruction[] {
  return ctx.memo('optOutInstructions', () => scanInstructions(ctx));
}

function scanInstructions(ctx: LintContext): Instruction[] {
  const out: Instruction[] = [];
  for (const s of sentences(ctx.prose)) {
    const sentence = ctx.prose.slice(s.start, s.end);
    const lower = ctx.lower.slice(s.start, s.end);
    if (!TOPIC.test(lower) && !UPPER_TOPIC.test(sentence)) continue;
    const candidates: { start: number; end: number; text: string }[] = [];
    let token: Instruction['token'] = null;
    for (const re of [VERB, COLON]) {
      re.lastIndex = 0;
      for (let m = re.exec(lower); m; m = re.exec(lower)) {
        const at = s.start + m.index + m[0].length - m[2]!.length;
        const word = ctx.text.slice(at, at + m[2]!.length);
        const found = { start: at, end: at + word.length, text: word };
        // After "opt out:" only a word in capitals reads as a keyword ("Unsubscribe: anytime" is not one).
        if (re === COLON && word !== word.toUpperCase()) continue;
        candidates.push(found);
        token ??= found;
      }
    }
    if (!token) continue;
    for (const m of findAll(CAPS_WORD, sentence)) candidates.push({ start: s.start + m.start, end: s.start + m.end, text: m.text });
    out.push({ start: s.start, end: s.end, token, valid: candidates.some((c) => ctx.isOptOutKeyword(c.text)) });
  }
  return out;
}

function optOutButton(ctx: LintContext): boolean {
  return (ctx.input.buttons ?? []).some((b) => b.type === 'quick_reply' && ctx.isOptOutKeyword(b.text));
}

/** LINT-OPTOUT-PRESENT: a marketing message says how to stop, with a keyword the app understands. */
export const optOutPresent: LintRule = {
  meta: {
    id: 'LINT-OPTOUT-PRESENT',
    severity: 'error',
    purposes: ['marketing'],
    kinds: ['regular', 'first_message'],
    title: { en: 'The message says how to opt out', ru: 'В сообщении указано, как отписаться' },
    source: 'ePrivacy Directive art. 13(2),(4); PECR reg. 22–23; CASL s. 11; CTIA Messaging Principles; GDPR art. 7(3) and 21',
  },
  check(ctx, report) {
    if (findOptOutInstructions(ctx).length > 0) return;
    if (ctx.input.channel === 'whatsapp' && optOutButton(ctx)) return;
    const instruction = ctx.pack.messaging.optOutInstruction[ctx.language];
    report({
      start: ctx.appendAt,
      end: ctx.text.length,
      message: {
        en: `The message does not say how to opt out: add "${instruction}"`,
        ru: `В сообщении не сказано, как отписаться: добавьте «${instruction}»`,
      },
      fix: {
        label: { en: `Add "${instruction}"`, ru: `Добавить «${instruction}»` },
        edits: [ctx.appendEdit(instruction)],
      },
    });
  },
};

/** LINT-OPTOUT-KEYWORD-VALID: the advertised keyword is one the inbound service takes as an opt-out. */
export const optOutKeywordValid: LintRule = {
  meta: {
    id: 'LINT-OPTOUT-KEYWORD-VALID',
    severity: 'error',
    title: { en: 'The opt-out keyword works', ru: 'Слово для отписки распознаётся' },
    source: '47 CFR 64.1200(a)(10) (FCC 24-24); 38-FZ art. 18 part 1; GDPR art. 7(3); the app’s inbound keyword list',
  },
  check(ctx, report) {
    const keyword = ctx.standardOptOutKeyword;
    for (const ins of findOptOutInstructions(ctx)) {
      if (ins.valid || !ins.token) continue;
      report({
        start: ins.token.start,
        end: ins.token.end,
        message: {
          en: `"${ins.token.text}" is not a word the app understands as an opt-out: replies with it would be missed. Use ${keyword}`,
          ru: `«${ins.token.text}» не распознаётся как отписка: такие ответы потеряются. Используйте ${keyword}`,
        },
        fix: {
          label: { en: `Use ${keyword}`, ru: `Заменить на ${keyword}` },
          edits: [{ start: ins.token.start, end: ins.token.end, text: keyword }],
        },
      });
    }
  },
};

/** LINT-DOI-CONFIRM-KEYWORD: a double-opt-in request tells how to confirm with a word the app understands. */
export const doiConfirmKeyword: LintRule = {
  meta: {
    id: 'LINT-DOI-CONFIRM-KEYWORD',
    severity: 'error',
    kinds: ['doi_request'],
    title: { en: 'The confirmation request says how to confirm', ru: 'В запросе подтверждения сказано, как подтвердить' },
    source: 'BGH I ZR 164/09 (double opt-in as proof); the app’s inbound confirmation keywords',
  },
  check(ctx, report) {
    for (const m of findAll(/(?<![\p{L}\p{N}])[\p{L}]+(?![\p{L}\p{N}])/gu, ctx.prose)) {
      if (m.text.length <= 12 && m.text === m.text.toUpperCase() && intentOf(m.text, ctx.pack) === 'confirm') return;
    }
    const sentence = ctx.language === 'ru' ? 'Ответьте ДА для подтверждения.' : 'Reply YES to confirm.';
    report({
      start: ctx.appendAt,
      end: ctx.text.length,
      message: {
        en: `The request does not say how to confirm: add "${sentence}"`,
        ru: `В запросе не сказано, как подтвердить: добавьте «${sentence}»`,
      },
      fix: {
        label: { en: `Add "${sentence}"`, ru: `Добавить «${sentence}»` },
        edits: [ctx.appendEdit(sentence)],
      },
    });
  },
};

/** LINT-US-DISCLOSURES: the first message of a US programme carries the CTIA disclosures. */
export const usDisclosures: LintRule = {
  meta: {
    id: 'LINT-US-DISCLOSURES',
    severity: 'error',
    kinds: ['first_message'],
    title: { en: 'First message carries the US disclosures', ru: 'Первое сообщение содержит обязательные для США сведения' },
    source: 'CTIA Messaging Principles and Best Practices; CTIA Short Code Monitoring Handbook A.1; MMA guidelines',
  },
  check(ctx, report) {
    if (!ctx.pack.messaging.firstMessageDisclosures) return;
    const missing: { what: { en: string; ru: string }; add: string }[] = [];
    const ru = ctx.language === 'ru';
    if (ctx.find(FREQUENCY).length === 0)
      missing.push({
        what: { en: 'message frequency', ru: 'частота сообщений' },
        add: ru ? 'Частота сообщений может меняться.' : 'Msg frequency varies.',
      });
    if (ctx.find(RATES).length === 0)
      missing.push({ what: { en: '"Msg & data rates may apply"', ru: '«Msg & data rates may apply»' }, add: 'Msg & data rates may apply.' });
    if (findAll(HELP, ctx.prose).length === 0)
      missing.push({ what: { en: 'HELP instruction', ru: 'инструкция HELP' }, add: ru ? 'Помощь: ответьте HELP.' : 'Reply HELP for help.' });
    // The STOP instruction of a marketing message is LINT-OPTOUT-PRESENT's; a service programme needs it here.
    if (ctx.input.purpose !== 'marketing' && findOptOutInstructions(ctx).length === 0)
      missing.push({ what: { en: 'STOP instruction', ru: 'инструкция STOP' }, add: ctx.pack.messaging.optOutInstruction[ctx.language] + '.' });
    for (const m of missing)
      report({
        start: ctx.appendAt,
        end: ctx.text.length,
        message: {
          en: `The first message of a US programme must include the ${m.what.en}: add "${m.add}"`,
          ru: `Первое сообщение программы для США должно содержать: ${m.what.ru}. Добавьте «${m.add}»`,
        },
        fix: {
          label: { en: `Add "${m.add}"`, ru: `Добавить «${m.add}»` },
          edits: [ctx.appendEdit(m.add)],
        },
      });
  },
};

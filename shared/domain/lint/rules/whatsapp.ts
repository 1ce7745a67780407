import type { LintRule } from '../types';
import { detectLanguage, findAll, parsePlaceholders } from '../text';

const SOURCE = 'Meta WhatsApp template components reference; template rejection reasons (Turn.io, Twilio 63040)';
/** Meta's template limits. */
export const WHATSAPP_LIMITS = { body: 1024, header: 60, footer: 60, buttons: 10, url: 2, phone: 1, copyCode: 1, buttonText: 25 } as const;
const EMOJI = /\p{Extended_Pictographic}/u;

/** WA-VAR-SEQUENTIAL: numbered variables run 1, 2, 3… without gaps. */
export const varSequential: LintRule = {
  meta: {
    id: 'WA-VAR-SEQUENTIAL',
    severity: 'error',
    channels: ['whatsapp'],
    title: { en: 'Numbered variables run 1, 2, 3…', ru: 'Нумерованные переменные идут подряд: 1, 2, 3…' },
    source: SOURCE,
  },
  check(ctx, report) {
    const numbered = ctx.placeholders.filter((p) => p.positional && !p.spaced);
    if (numbered.length === 0) return;
    const order: string[] = [];
    for (const p of numbered) if (!order.includes(p.name)) order.push(p.name);
    const wanted = new Map(order.map((n, i) => [n, String(i + 1)]));
    const present = new Set(order.map(Number));
    const max = Math.max(...present);
    const missing = [...Array(max).keys()].map((i) => i + 1).filter((n) => !present.has(n));
    if (missing.length === 0 && order.every((n, i) => n === String(i + 1))) return;
    const edits = numbered
      .filter((p) => wanted.get(p.name) !== p.name)
      .map((p) => ({ start: p.start, end: p.end, text: `{{${wanted.get(p.name)}${p.fallback === null ? '' : `|${p.fallback}`}}}` }));
    const first = numbered.find((p) => wanted.get(p.name) !== p.name) ?? numbered[0]!;
    report({
      start: first.start,
      end: first.end,
      message:
        missing.length > 0
          ? {
              en: `Numbered variables must start at {{1}} with no gaps: {{${missing.join('}}, {{')}}} missing`,
              ru: `Нумерация переменных должна начинаться с {{1}} без пропусков: нет {{${missing.join('}}, {{')}}}`,
            }
          : { en: 'Numbered variables must appear in order {{1}}, {{2}}…', ru: 'Нумерованные переменные должны идти по порядку: {{1}}, {{2}}…' },
      fix: { label: { en: 'Renumber in order', ru: 'Перенумеровать по порядку' }, edits },
    });
  },
};

/** WA-VAR-EDGE: the body neither starts nor ends with a variable. */
export const varEdge: LintRule = {
  meta: {
    id: 'WA-VAR-EDGE',
    severity: 'error',
    channels: ['whatsapp'],
    title: { en: 'No variable at the very start or end', ru: 'Переменная не в самом начале и не в конце' },
    source: SOURCE,
  },
  check(ctx, report) {
    // Invisible characters do not count as text around a variable.
    const firstChar = ctx.text.search(/[^\s\u200b-\u200d\u2060\ufeff\u00ad]/u);
    const lastChar = ctx.text.replace(/[\s\u200b-\u200d\u2060\ufeff\u00ad]+$/u, '').length;
    const greeting = ctx.language === 'ru' ? 'Здравствуйте, ' : 'Hello ';
    for (const p of ctx.placeholders) {
      if (p.start === firstChar)
        report({
          start: p.start,
          end: p.end,
          message: {
            en: 'The body starts with a variable: Meta rejects such templates',
            ru: 'Текст начинается с переменной: Meta отклоняет такие шаблоны',
          },
          fix: {
            label: { en: `Start with "${greeting.trim()}"`, ru: `Начать с «${greeting.trim()}»` },
            edits: [{ start: p.start, end: p.start, text: greeting }],
          },
        });
      if (p.end === lastChar)
        report({
          start: p.start,
          end: p.end,
          message: {
            en: 'The body ends with a variable: Meta rejects such templates',
            ru: 'Текст заканчивается переменной: Meta отклоняет такие шаблоны',
          },
          fix: { label: { en: 'End with a full stop', ru: 'Поставить точку в конце' }, edits: [{ start: p.end, end: p.end, text: '.' }] },
        });
    }
  },
};

/** WA-VAR-ADJACENT: at least one word between two variables. */
export const varAdjacent: LintRule = {
  meta: {
    id: 'WA-VAR-ADJACENT',
    severity: 'error',
    channels: ['whatsapp'],
    title: { en: 'No two variables side by side', ru: 'Переменные не стоят вплотную' },
    source: SOURCE,
  },
  check(ctx, report) {
    const ps = ctx.placeholders;
    for (let i = 1; i < ps.length; i++) {
      const between = ctx.text.slice(ps[i - 1]!.end, ps[i]!.start);
      if (/[\p{L}\p{N}]/u.test(between)) continue;
      report({
        start: ps[i - 1]!.start,
        end: ps[i]!.end,
        message: {
          en: 'Two variables side by side: put at least one word between them',
          ru: 'Две переменные подряд: поставьте между ними хотя бы одно слово',
        },
      });
    }
  },
};

/** WA-VAR-RATIO: enough fixed text for the number of variables. */
export const varRatio: LintRule = {
  meta: {
    id: 'WA-VAR-RATIO',
    severity: 'warning',
    channels: ['whatsapp'],
    title: { en: 'Enough text around the variables', ru: 'Достаточно текста вокруг переменных' },
    source: `${SOURCE}; Meta publishes no exact ratio (warned at one variable per three words)`,
  },
  check(ctx, report) {
    const variables = ctx.placeholders.length;
    if (variables === 0) return;
    const words = findAll(/[\p{L}\p{N}]+/gu, ctx.prose).length;
    if (variables * 3 <= words) return;
    report({
      start: 0,
      end: ctx.text.length,
      message: {
        en: `${variables} variable(s) for ${words} word(s) of fixed text: Meta rejects templates that are mostly variables`,
        ru: `${variables} перемен. на ${words} слов(а) постоянного текста: Meta отклоняет шаблоны, состоящие в основном из переменных`,
      },
    });
  },
};

/** WA-LIMITS: body, header, footer and button limits. */
export const limits: LintRule = {
  meta: {
    id: 'WA-LIMITS',
    severity: 'error',
    channels: ['whatsapp'],
    title: { en: 'Within WhatsApp template limits', ru: 'В пределах ограничений шаблонов WhatsApp' },
    source: `${SOURCE}; button label limit of 25 characters is from BSP documentation (VERIFY)`,
  },
  check(ctx, report) {
    const L = WHATSAPP_LIMITS;
    if (ctx.text.length > L.body)
      report({
        start: L.body,
        end: ctx.text.length,
        message: {
          en: `The body is ${ctx.text.length} characters: at most ${L.body}`,
          ru: `Текст — ${ctx.text.length} символов: не более ${L.body}`,
        },
      });
    const { header, footer } = ctx.input;
    if (header !== undefined) {
      const vars = parsePlaceholders(header).placeholders.length;
      const problems = [
        header.length > L.header && {
          en: `is ${header.length} characters (at most ${L.header})`,
          ru: `— ${header.length} символов (не более ${L.header})`,
        },
        vars > 1 && { en: `has ${vars} variables (at most 1)`, ru: `содержит ${vars} переменных (не более 1)` },
        EMOJI.test(header) && { en: 'contains emoji', ru: 'содержит эмодзи' },
        /\n/u.test(header) && { en: 'contains a line break', ru: 'содержит перенос строки' },
        /[*_~`]/u.test(header) && { en: 'contains formatting marks (* _ ~ `)', ru: 'содержит символы форматирования (* _ ~ `)' },
      ].filter((p): p is { en: string; ru: string } => Boolean(p));
      for (const p of problems)
        report({ start: 0, end: header.length, target: 'header', message: { en: `The header ${p.en}`, ru: `Заголовок ${p.ru}` } });
    }
    if (footer !== undefined) {
      const problems = [
        footer.length > L.footer && {
          en: `is ${footer.length} characters (at most ${L.footer})`,
          ru: `— ${footer.length} символов (не более ${L.footer})`,
        },
        parsePlaceholders(footer).placeholders.length > 0 && { en: 'contains a variable', ru: 'содержит переменную' },
        EMOJI.test(footer) && { en: 'contains emoji', ru: 'содержит эмодзи' },
        /\n/u.test(footer) && { en: 'contains a line break', ru: 'содержит перенос строки' },
      ].filter((p): p is { en: string; ru: string } => Boolean(p));
      for (const p of problems)
        report({ start: 0, end: footer.length, target: 'footer', message: { en: `The footer ${p.en}`, ru: `Подпись ${p.ru}` } });
    }
    const buttons = ctx.input.buttons ?? [];
    const count = (type: string): number => buttons.filter((b) => b.type === type).length;
    const buttonProblems = [
      buttons.length > L.buttons && {
        en: `${buttons.length} buttons (at most ${L.buttons})`,
        ru: `${buttons.length} кнопок (не более ${L.buttons})`,
      },
      count('url') > L.url && { en: `${count('url')} link buttons (at most ${L.url})`, ru: `${count('url')} кнопок-ссылок (не более ${L.url})` },
      count('phone') > L.phone && {
        en: `${count('phone')} call buttons (at most ${L.phone})`,
        ru: `${count('phone')} кнопок звонка (не более ${L.phone})`,
      },
      count('copy_code') > L.copyCode && {
        en: `${count('copy_code')} copy-code buttons (at most ${L.copyCode})`,
        ru: `${count('copy_code')} кнопок копирования кода (не более ${L.copyCode})`,
      },
      count('copy_code') > 0 &&
        ctx.input.purpose !== 'marketing' && {
          en: 'a copy-code button in a non-marketing template',
          ru: 'кнопка копирования кода в нерекламном шаблоне',
        },
      quickRepliesSplit(buttons.map((b) => b.type)) && { en: 'quick replies not grouped together', ru: 'кнопки быстрого ответа не сгруппированы' },
    ].filter((p): p is { en: string; ru: string } => Boolean(p));
    for (const p of buttonProblems) report({ start: 0, end: 0, target: 'buttons', message: { en: `Buttons: ${p.en}`, ru: `Кнопки: ${p.ru}` } });
    buttons.forEach((b, i) => {
      if (b.text.length > L.buttonText)
        report({
          start: i,
          end: i + 1,
          target: 'buttons',
          message: {
            en: `Button ${i + 1} "${b.text}" is ${b.text.length} characters (at most ${L.buttonText})`,
            ru: `Кнопка ${i + 1} «${b.text}» — ${b.text.length} символов (не более ${L.buttonText})`,
          },
        });
    });
  },
};

function quickRepliesSplit(types: string[]): boolean {
  const first = types.indexOf('quick_reply');
  const last = types.lastIndexOf('quick_reply');
  return first >= 0 && types.slice(first, last + 1).some((t) => t !== 'quick_reply');
}

/** WA-WHITESPACE: tabs, long runs of spaces and of blank lines. */
export const whitespace: LintRule = {
  meta: {
    id: 'WA-WHITESPACE',
    severity: 'warning',
    channels: ['whatsapp'],
    title: { en: 'No tabs or long runs of spaces', ru: 'Без табуляций и длинных пробелов' },
    source: `${SOURCE}; parameter rules (132018)`,
  },
  check(ctx, report) {
    for (const m of findAll(/\t+| {5,}|\n{3,}/gu, ctx.text)) {
      const newline = m.text.startsWith('\n');
      report({
        start: m.start,
        end: m.end,
        message: newline
          ? {
              en: 'Several blank lines in a row: templates full of line breaks are rejected',
              ru: 'Несколько пустых строк подряд: шаблоны с множеством переносов отклоняются',
            }
          : { en: 'Tabs or more than 4 spaces in a row: Meta rejects them', ru: 'Табуляция или больше 4 пробелов подряд: Meta такое отклоняет' },
        fix: {
          label: newline
            ? { en: 'Keep one blank line', ru: 'Оставить одну пустую строку' }
            : { en: 'Replace with one space', ru: 'Заменить одним пробелом' },
          edits: [{ start: m.start, end: m.end, text: newline ? '\n\n' : ' ' }],
        },
      });
    }
  },
};

/** WA-LANG: the text is in the template's declared language. */
export const language: LintRule = {
  meta: {
    id: 'WA-LANG',
    severity: 'warning',
    channels: ['whatsapp'],
    title: { en: 'Text matches the template language', ru: 'Текст на языке шаблона' },
    source: SOURCE,
  },
  check(ctx, report) {
    const declared = ctx.input.language;
    const detected = detectLanguage(ctx.prose);
    if (!declared || !detected || declared === detected) return;
    report({
      start: 0,
      end: ctx.text.length,
      message: {
        en: `The template is declared ${declared === 'ru' ? 'Russian' : 'English'} but the text is ${detected === 'ru' ? 'Russian' : 'English'}: Meta rejects mismatches`,
        ru: `Шаблон объявлен на ${declared === 'ru' ? 'русском' : 'английском'}, а текст — на ${detected === 'ru' ? 'русском' : 'английском'}: Meta отклоняет такие шаблоны`,
      },
    });
  },
};

import type { LintRule } from '../types';
import { OPTIONAL_FIELDS, placeholdersFitWhatsApp, PLACEHOLDER_FIELDS } from '../text';
import { applyEdits } from '../edits';

const FIELDS: ReadonlySet<string> = new Set(PLACEHOLDER_FIELDS);
const FIELD_LIST = PLACEHOLDER_FIELDS.map((f) => `{{${f}}}`).join(', ');

/** Names people reach for, mapped to the field they mean. */
const ALIASES: Record<string, string> = {
  firstname: 'first_name',
  first: 'first_name',
  fname: 'first_name',
  given_name: 'first_name',
  имя: 'first_name',
  fullname: 'name',
  full_name: 'name',
  customer: 'name',
  customer_name: 'name',
  фио: 'name',
  shop: 'shop_name',
  shopname: 'shop_name',
  business: 'shop_name',
  business_name: 'shop_name',
  store: 'shop_name',
  магазин: 'shop_name',
  phone: 'shop_phone',
  shopphone: 'shop_phone',
};

function suggest(name: string): string | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/gu, '_');
  if (FIELDS.has(key)) return key;
  return ALIASES[key] ?? ALIASES[key.replace(/_/g, '')] ?? null;
}

/** LINT-PLACEHOLDER: placeholders are balanced, well-formed and name fields the app can fill. */
export const placeholder: LintRule = {
  meta: {
    id: 'LINT-PLACEHOLDER',
    severity: 'error',
    title: { en: 'Placeholders are valid', ru: 'Подстановки корректны' },
    source: 'Optin Desk placeholder syntax; WhatsApp template variable rules (Meta template components reference)',
  },
  check(ctx, report) {
    for (const p of ctx.braceProblems) {
      const before = /([a-z_]+)\s*$/iu.exec(ctx.text.slice(0, p.start));
      const after = /^\s*([a-z_]+)/iu.exec(ctx.text.slice(p.end));
      const field = p.kind === 'unclosed' ? after && suggest(after[1]!) : before && suggest(before[1]!);
      let fix =
        p.kind === 'unclosed' && after && field
          ? { start: p.end + after[0].length, end: p.end + after[0].length, text: '}}' }
          : p.kind === 'unopened' && before && field
            ? { start: p.start - before[0].length, end: p.start - before[0].length, text: '{{' }
            : { start: p.start, end: p.end, text: '' };
      // Completing a placeholder in a WhatsApp body must not put it at an edge or beside another one.
      if (fix.text && ctx.input.channel === 'whatsapp' && !placeholdersFitWhatsApp(applyEdits(ctx.text, [fix])))
        fix = { start: p.start, end: p.end, text: '' };
      report({
        start: p.start,
        end: p.end,
        message:
          p.kind === 'unclosed'
            ? { en: '"{{" is never closed with "}}"', ru: '«{{» не закрыта «}}»' }
            : { en: '"}}" has no opening "{{"', ru: '«}}» без открывающей «{{»' },
        fix: {
          label: fix.text
            ? { en: `Insert "${fix.text}"`, ru: `Вставить «${fix.text}»` }
            : { en: 'Remove the stray braces', ru: 'Удалить лишние скобки' },
          edits: [fix],
        },
      });
    }
    for (const p of ctx.placeholders) {
      const fallback = p.fallback === null ? '' : `|${p.fallback}`;
      if (!p.wellFormed || p.spaced) {
        const field = suggest(p.name);
        report({
          start: p.start,
          end: p.end,
          message: {
            en: `"${ctx.text.slice(p.start, p.end)}" is not a valid placeholder: lower-case letters, digits and "_" only, no spaces inside the braces${field ? ` (did you mean {{${field}}}?)` : ''}`,
            ru: `«${ctx.text.slice(p.start, p.end)}» — неверная подстановка: только строчные латинские буквы, цифры и «_», без пробелов внутри скобок${field ? ` (может быть, {{${field}}}?)` : ''}`,
          },
          fix: field
            ? {
                label: { en: `Use {{${field}}}`, ru: `Заменить на {{${field}}}` },
                edits: [{ start: p.start, end: p.end, text: `{{${field}${fallback}}}` }],
              }
            : undefined,
        });
        continue;
      }
      if (p.positional) {
        report({
          start: p.start,
          end: p.end,
          message: {
            en: `{{${p.name}}} is a numbered template variable the app cannot fill from a contact: use ${FIELD_LIST}`,
            ru: `{{${p.name}}} — нумерованная переменная шаблона, которую приложение не может заполнить из карточки клиента: используйте ${FIELD_LIST}`,
          },
        });
        continue;
      }
      if (!FIELDS.has(p.name)) {
        const field = suggest(p.name);
        report({
          start: p.start,
          end: p.end,
          message: {
            en: `{{${p.name}}} is not a field the app knows: use ${FIELD_LIST}`,
            ru: `{{${p.name}}} — неизвестное поле: используйте ${FIELD_LIST}`,
          },
          fix: field
            ? {
                label: { en: `Use {{${field}}}`, ru: `Заменить на {{${field}}}` },
                edits: [{ start: p.start, end: p.end, text: `{{${field}${fallback}}}` }],
              }
            : undefined,
        });
        continue;
      }
      if (p.name === 'shop_phone' && !ctx.profile.shopPhone)
        report({
          start: p.start,
          end: p.end,
          message: {
            en: '{{shop_phone}} is empty: set the shop’s phone in Settings',
            ru: '{{shop_phone}} пуст: укажите телефон магазина в настройках',
          },
        });
      if (p.name === 'shop_name' && !ctx.profile.businessName.trim())
        report({
          start: p.start,
          end: p.end,
          message: {
            en: '{{shop_name}} is empty: set the business name in Settings',
            ru: '{{shop_name}} пуст: укажите название магазина в настройках',
          },
        });
    }
  },
};

/** LINT-PLACEHOLDER-FALLBACK: a field some contacts lack has a fallback. */
export const placeholderFallback: LintRule = {
  meta: {
    id: 'LINT-PLACEHOLDER-FALLBACK',
    severity: 'warning',
    title: { en: 'Optional fields have a fallback', ru: 'У необязательных полей есть замена' },
    source: 'Optin Desk: contacts without a name would get an empty gap ("Hi ,")',
  },
  check(ctx, report) {
    const word = ctx.language === 'ru' ? 'покупатель' : 'there';
    for (const p of ctx.placeholders) {
      if (!p.wellFormed || p.spaced || !OPTIONAL_FIELDS.has(p.name) || (p.fallback !== null && p.fallback !== '')) continue;
      const insertAt = p.end - 2;
      const edit = p.fallback === '' ? { start: insertAt, end: insertAt, text: word } : { start: insertAt, end: insertAt, text: `|${word}` };
      report({
        start: p.start,
        end: p.end,
        message: {
          en: `Some contacts have no ${p.name.replace('_', ' ')}: give a fallback, e.g. {{${p.name}|${word}}}`,
          ru: `Не у всех клиентов заполнено поле ${p.name}: укажите замену, например {{${p.name}|${word}}}`,
        },
        fix: { label: { en: `Fall back to "${word}"`, ru: `Замена «${word}»` }, edits: [edit] },
      });
    }
  },
};

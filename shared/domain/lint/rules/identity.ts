import type { LintRule } from '../types';
import { looseForm } from '../text';
import { senderNameProblem } from '../sender-name';

/** LINT-SENDER-ID: a marketing text names the shop. */
export const senderId: LintRule = {
  meta: {
    id: 'LINT-SENDER-ID',
    severity: 'error',
    title: { en: 'The message names the shop', ru: 'В сообщении названо имя магазина' },
    source: 'ePrivacy Directive art. 13(4); PECR reg. 23; CASL s. 6(2); CTIA Messaging Principles; 38-FZ art. 18',
  },
  check(ctx, report) {
    if (!ctx.isPromotional && ctx.kind === 'regular') return;
    if (ctx.placeholders.some((p) => p.name === 'shop_name')) return;
    const names = ctx.shopNames;
    if (names.length === 0) {
      report({
        start: 0,
        end: 0,
        target: 'settings',
        message: {
          en: 'No business name is set: set it in Settings so messages can name the sender',
          ru: 'Не задано название магазина: укажите его в настройках, чтобы сообщения называли отправителя',
        },
      });
      return;
    }
    const loose = ctx.looseText;
    if (names.some((n) => loose.includes(` ${looseForm(n)} `))) return;
    // Offer the name written in the message's script: a Cyrillic name in a Latin SMS would make it UCS-2.
    const cyrillic = (n: string): boolean => /[\u0400-\u04ff]/u.test(n);
    const name = names.find((n) => cyrillic(n) === (ctx.language === 'ru')) ?? names[0]!;
    const firstLength = ctx.text.length - ctx.text.trimStart().length;
    // «Ромашка: …» — the message opens with a name the shop did not list: most often its short brand name, which
    // names the sender as well once it is listed (and costs no extra SMS part, unlike prepending the legal name).
    const opener = /^\s*([^\n:.!?]{2,40}?)\s*:/u.exec(ctx.text)?.[1]?.trim();
    const alias =
      opener && /\p{L}/u.test(opener) && !/\d{3}/u.test(opener)
        ? {
            en: ` If "${opener}" is a name your shop goes by, add it in Settings → Other shop names: then it names the sender as it is.`,
            ru: ` Если «${opener}» — тоже название вашего магазина, добавьте его в настройках (другие названия магазина): тогда оно и будет указанием отправителя.`,
          }
        : { en: '', ru: '' };
    report({
      start: 0,
      end: Math.min(ctx.text.length, Math.max(1, ctx.text.search(/[\n.!?]/u) < 0 ? ctx.text.length : ctx.text.search(/[\n.!?]/u))),
      message: {
        en: `The message does not name the sender: add "${name}" so the customer knows who writes.${alias.en}`,
        ru: `В сообщении не указан отправитель: добавьте «${name}», чтобы клиент понимал, кто пишет.${alias.ru}`,
      },
      fix: { label: { en: `Start with "${name}:"`, ru: `Начать с «${name}:»` }, edits: [{ start: 0, end: firstLength, text: `${name}: ` }] },
    });
  },
};

/** LINT-SMS-SENDER: an SMS needs a configured sender (alpha-name or number). */
export const smsSender: LintRule = {
  meta: {
    id: 'LINT-SMS-SENDER',
    severity: 'error',
    channels: ['sms'],
    title: { en: 'An SMS sender is configured', ru: 'Задан отправитель SMS' },
    source: 'DOMAIN §7(a)1 / §7(b)11: SMS needs a sender (RU: approved alpha-name; US: registered number)',
  },
  check(ctx, report) {
    if (ctx.profile.senderName.trim()) return;
    report({
      start: 0,
      end: 0,
      target: 'settings',
      message: { en: 'No SMS sender name is set: set it in Settings', ru: 'Не задано имя отправителя SMS: укажите его в настройках' },
    });
  },
};

/** LINT-RU-SENDER-NAME: the Russian alpha-name format. */
export const ruSenderName: LintRule = {
  meta: {
    id: 'LINT-RU-SENDER-NAME',
    severity: 'error',
    packs: ['ru'],
    channels: ['sms'],
    title: { en: 'Sender name fits Russian operators’ rules', ru: 'Имя отправителя соответствует правилам операторов РФ' },
    source: 'Russian operators’ alpha-name rules (MTS 2017, MegaFon 2021): 3–11 Latin letters, digits and a few symbols',
  },
  check(ctx, report) {
    const name = ctx.profile.senderName.trim();
    const problem = senderNameProblem(name, 'ru');
    if (!problem) return;
    report({
      start: 0,
      end: 0,
      target: 'settings',
      message: { en: `The SMS sender name "${name}" ${problem.en}`, ru: `Имя отправителя SMS «${name}» ${problem.ru}` },
    });
  },
};

import type { LintRule } from '../types';
import { PROMO, RESTRICTED, RESTRICTED_CATEGORIES, type RestrictedCategory } from '../lexicon';
import { looseForm, placeholdersFitWhatsApp, sentenceAt } from '../text';
import { applyEdits } from '../edits';
import { intentOf } from '../context';

const CATEGORY_NAMES: Record<RestrictedCategory, { en: string; ru: string }> = {
  alcohol: { en: 'alcohol', ru: 'алкоголь' },
  tobacco: { en: 'tobacco or vapes', ru: 'табак или вейпы' },
  gambling: { en: 'gambling', ru: 'азартные игры' },
  loans: { en: 'loans and financial services', ru: 'кредиты и финансовые услуги' },
  medicines: { en: 'medicines and medical services', ru: 'лекарства и медицинские услуги' },
  weapons: { en: 'weapons', ru: 'оружие' },
};

/** LINT-RESTRICTED: products whose advertising the pack bans or conditions on a disclosure. */
export const restricted: LintRule = {
  meta: {
    id: 'LINT-RESTRICTED',
    severity: 'warning',
    purposes: ['marketing'],
    title: { en: 'Restricted product categories', ru: 'Товары с ограничениями на рекламу' },
    source: 'per pack: 38-FZ arts. 21, 24, 26–28, 15-FZ art. 16 (RU); Directives 2003/33/EC, 2001/83/EC (EU); CTIA SHAFT rules (US)',
  },
  check(ctx, report) {
    const loose = ctx.looseText;
    for (const category of RESTRICTED_CATEGORIES) {
      const hits = ctx.find(RESTRICTED[category]);
      if (hits.length === 0) continue;
      const rule = ctx.pack.messaging.restricted[category];
      const disclosure = rule.disclosure;
      if (disclosure && (loose.includes(` ${looseForm(disclosure.en)} `) || loose.includes(` ${looseForm(disclosure.ru)} `))) continue;
      const name = CATEGORY_NAMES[category];
      const wording = disclosure?.[ctx.language];
      const first = hits[0]!;
      report({
        start: first.start,
        end: first.end,
        severity: rule.severity,
        message: wording
          ? {
              en: `"${first.text}" advertises ${name.en}: the message must carry "${wording}" (${rule.source})`,
              ru: `«${first.text}» — реклама категории «${name.ru}»: сообщение должно содержать «${wording}» (${rule.source})`,
            }
          : rule.severity === 'error'
            ? {
                en: `"${first.text}" advertises ${name.en}, which this pack does not allow by message (${rule.source})`,
                ru: `«${first.text}» — реклама категории «${name.ru}», запрещённая для рассылок по этому пакету правил (${rule.source})`,
              }
            : { en: `"${first.text}" advertises ${name.en}: ${rule.source}`, ru: `«${first.text}» — реклама категории «${name.ru}»: ${rule.source}` },
        fix: wording
          ? {
              label: { en: 'Add the required warning', ru: 'Добавить обязательное предупреждение' },
              edits: [ctx.appendEdit(wording)],
            }
          : undefined,
      });
    }
  },
};

/** LINT-PURPOSE-MISMATCH: promotion inside a message marked as service. */
export const purposeMismatch: LintRule = {
  meta: {
    id: 'LINT-PURPOSE-MISMATCH',
    severity: 'warning',
    purposes: ['service'],
    kinds: ['regular', 'first_message'],
    title: { en: 'Service messages carry no promotion', ru: 'В сервисных сообщениях нет рекламы' },
    source: 'WhatsApp template categories (utility + promotion = marketing); 38-FZ art. 3 (what is advertising); PECR reg. 22; CASL s. 1(2)',
  },
  check(ctx, report) {
    for (const m of ctx.find(PROMO))
      report({
        start: m.start,
        end: m.end,
        message: {
          en: `"${m.text}" is promotional: in a service message it makes the message marketing, which needs marketing consent — a campaign with it is planned and sent as marketing${ctx.input.channel === 'whatsapp' ? ' (Meta will class the template as MARKETING)' : ''}`,
          ru: `«${m.text}» — рекламная формулировка: с ней сервисное сообщение становится рекламой и требует согласия на рекламу — рассылка с ней планируется и отправляется как рекламная${ctx.input.channel === 'whatsapp' ? ' (Meta отнесёт шаблон к MARKETING)' : ''}`,
        },
      });
  },
};

/** LINT-DOI-NEUTRAL: confirmation requests and opt-out confirmations carry no promotion. */
export const doiNeutral: LintRule = {
  meta: {
    id: 'LINT-DOI-NEUTRAL',
    severity: 'error',
    kinds: ['doi_request', 'optout_confirmation'],
    title: { en: 'Confirmations carry no promotion', ru: 'В подтверждениях нет рекламы' },
    source: 'OLG München 29 U 1682/12 (double opt-in request); 47 CFR 64.1200(a)(12) (opt-out confirmation)',
  },
  check(ctx, report) {
    const names = ctx.shopNames.map((n) => looseForm(n));
    for (const m of ctx.find(PROMO)) {
      const s = sentenceAt(ctx.text, m.start);
      const sentence = ctx.text.slice(s.start, s.end);
      const loose = ` ${looseForm(sentence)} `;
      // Removing the sentence is safe only when it carries nothing the message needs.
      const needed =
        names.some((n) => loose.includes(` ${n} `)) ||
        ctx.placeholders.some((p) => p.start < s.end && p.end > s.start) ||
        sentence
          .split(/[^\p{L}]+/u)
          .some((w) => w.length > 1 && w.length <= 12 && w === w.toUpperCase() && ['opt_out', 'confirm', 'help'].includes(intentOf(w, ctx.pack)));
      let end = s.end;
      while (end < ctx.text.length && /\s/u.test(ctx.text[end]!)) end += 1;
      const removal = { start: s.start, end, text: '' };
      const unsafe = needed || (ctx.input.channel === 'whatsapp' && !placeholdersFitWhatsApp(applyEdits(ctx.text, [removal])));
      report({
        start: m.start,
        end: m.end,
        message:
          ctx.kind === 'doi_request'
            ? {
                en: `"${m.text}" is promotional: a confirmation request may only ask to confirm (it is itself advertising otherwise)`,
                ru: `«${m.text}» — реклама: запрос подтверждения может только просить подтвердить (иначе он сам становится рекламой)`,
              }
            : {
                en: `"${m.text}" is promotional: the opt-out confirmation may only confirm, not market or persuade`,
                ru: `«${m.text}» — реклама: подтверждение отписки может только подтверждать, без рекламы и уговоров`,
              },
        fix: unsafe ? undefined : { label: { en: 'Remove the sentence', ru: 'Удалить предложение' }, edits: [removal] },
      });
    }
  },
};

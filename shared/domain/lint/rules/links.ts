import type { LintRule } from '../types';

/** Public URL shorteners carriers filter (Twilio error 30007) and Meta rejects in templates. */
export const URL_SHORTENERS: ReadonlySet<string> = new Set([
  'bit.ly',
  'bitly.com',
  'tinyurl.com',
  'goo.gl',
  't.co',
  'ow.ly',
  'is.gd',
  'buff.ly',
  'rebrand.ly',
  'cutt.ly',
  'shorturl.at',
  'tiny.cc',
  'rb.gy',
  'bit.do',
  't.ly',
  's.id',
  'v.gd',
  'clck.ru',
  'vk.cc',
  'u.to',
  'qps.ru',
  'lnkd.in',
  'shorte.st',
  'adf.ly',
]);

const WHATSAPP_LINKS: ReadonlySet<string> = new Set(['wa.me', 'api.whatsapp.com', 'chat.whatsapp.com']);

/** LINT-LINKS: links carriers filter or customers cannot trust. */
export const links: LintRule = {
  meta: {
    id: 'LINT-LINKS',
    severity: 'warning',
    title: { en: 'Links are trustworthy', ru: 'Ссылки не вызывают подозрений' },
    source: 'Carrier filtering (Twilio 30007; CTIA); WhatsApp template rejection reasons (wa.me links, shorteners)',
  },
  check(ctx, report) {
    const own = ctx.profile.shopDomains.map((d) => d.toLowerCase().replace(/^www\./, ''));
    for (const link of ctx.links) {
      const shortener = URL_SHORTENERS.has(link.host);
      if (shortener)
        report({
          start: link.start,
          end: link.end,
          message: {
            en: `${link.host} is a public link shortener: carriers filter such messages and WhatsApp rejects such templates; use the full link to your site`,
            ru: `${link.host} — публичный сокращатель ссылок: операторы фильтруют такие сообщения, WhatsApp отклоняет такие шаблоны; дайте полную ссылку на свой сайт`,
          },
        });
      if (ctx.input.channel === 'whatsapp' && WHATSAPP_LINKS.has(link.host))
        report({
          start: link.start,
          end: link.end,
          message: { en: 'wa.me links are not allowed in WhatsApp templates', ru: 'Ссылки wa.me в шаблонах WhatsApp не допускаются' },
        });
      if (link.scheme === 'http') {
        const https = link.url.replace(/^http:/i, 'https:');
        report({
          start: link.start,
          end: link.end,
          message: { en: 'Plain http:// link: use https://', ru: 'Ссылка без шифрования (http://): используйте https://' },
          fix: { label: { en: 'Use https://', ru: 'Заменить на https://' }, edits: [{ start: link.start, end: link.end, text: https }] },
        });
      }
      const isOwn = own.some((d) => link.host === d || link.host.endsWith(`.${d}`));
      if (own.length > 0 && !isOwn && !shortener && !WHATSAPP_LINKS.has(link.host))
        report({
          start: link.start,
          end: link.end,
          message: {
            en: `${link.host} is not one of your domains (${own.join(', ')}): customers and carriers trust links to your own site`,
            ru: `${link.host} — не ваш домен (${own.join(', ')}): клиенты и операторы доверяют ссылкам на ваш собственный сайт`,
          },
        });
    }
  },
};

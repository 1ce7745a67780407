import { describe, expect, it } from 'vitest';
import { applyEdits, lintMessage, listRules } from '../../../shared/domain/lint/engine';
import { lintProfileFromSettings, type LintSettings } from '../../../shared/domain/lint/profile';
import type { LintInput } from '../../../shared/domain/lint/types';
import { SHOP_LINT_SETTINGS } from '../../support/lint';

const SETTINGS: LintSettings = SHOP_LINT_SETTINGS;

type Case = { text: string } & Partial<Omit<LintInput, 'text'>> & { settings?: Partial<LintSettings> };
const EN_OK = 'Lavka: new autumn range in store. Reply STOP to opt out';
const RU_OK = 'Лавка: новая осенняя коллекция в магазине. Отписаться: ответьте СТОП';

function run(c: Case, locale: 'en' | 'ru' = 'en') {
  const { settings, text, ...rest } = c;
  return lintMessage({ channel: 'sms', purpose: 'marketing', text, ...rest }, lintProfileFromSettings({ ...SETTINGS, ...settings }), locale);
}

/** For every rule: messages that break it and messages that pass, in English and Russian. */
const TABLE: Record<string, { fail: Case[]; pass: Case[] }> = {
  'LINT-SENDER-ID': {
    fail: [{ text: 'New autumn range in store. Reply STOP to opt out' }, { text: 'Новая коллекция. Отписаться: ответьте СТОП' }],
    pass: [
      { text: EN_OK },
      { text: RU_OK },
      { text: '{{shop_name}}: new range. Reply STOP to opt out' },
      { text: 'ЛАВКА: скидки. Отписаться: ответьте СТОП' },
    ],
  },
  'LINT-SMS-SENDER': {
    fail: [
      { text: EN_OK, settings: { senderName: '' } },
      { text: RU_OK, settings: { senderName: ' ' } },
    ],
    pass: [{ text: EN_OK }, { text: RU_OK, channel: 'whatsapp', settings: { senderName: '' } }],
  },
  'LINT-RU-SENDER-NAME': {
    fail: [
      { text: EN_OK, settings: { senderName: 'LV' } },
      { text: RU_OK, settings: { senderName: 'Лавка' } },
      { text: RU_OK, settings: { senderName: 'LavkaShopMoscow' } },
      { text: RU_OK, settings: { senderName: '79161234567' } },
      { text: RU_OK, settings: { senderName: 'Lavka#1' } },
    ],
    pass: [
      { text: RU_OK },
      { text: EN_OK, settings: { senderName: 'Lavka-Shop' } },
      { text: EN_OK, policy: 'eu', settings: { senderName: 'Лавка' } },
    ],
  },
  'LINT-OPTOUT-PRESENT': {
    fail: [{ text: 'Lavka: new autumn range in store' }, { text: 'Лавка: новая коллекция в магазине' }, { text: 'Lavka: stop by our store today' }],
    pass: [
      { text: EN_OK },
      { text: RU_OK },
      { text: 'Lavka: new range. Txt STOP to end' },
      { text: 'Лавка: новинки. Отказ от рассылки: СТОП' },
      { text: 'Lavka: order ready', purpose: 'service' },
      { text: 'Lavka: new range', channel: 'whatsapp', buttons: [{ type: 'quick_reply', text: 'Stop promotions' }] },
      { text: 'Лавка: новинки', channel: 'whatsapp', buttons: [{ type: 'quick_reply', text: 'Отписаться' }] },
    ],
  },
  'LINT-OPTOUT-KEYWORD-VALID': {
    fail: [
      { text: 'Lavka: new range. Reply 2 to stop' },
      { text: 'Lavka: new range. Text STOP2QUIT to end' },
      { text: 'Лавка: новинки. Чтобы отписаться, ответьте НЕТ' },
      { text: 'Лавка: новинки. Отписаться: пришлите 0' },
    ],
    pass: [
      { text: EN_OK },
      { text: RU_OK },
      { text: 'Lavka: Reply YES to confirm, STOP to opt out', purpose: 'service' },
      { text: 'Лавка: отписаться — ответьте ОТПИСАТЬСЯ' },
    ],
  },
  'LINT-US-DISCLOSURES': {
    fail: [
      { text: 'Lavka: welcome to Lavka texts. Reply STOP to opt out', kind: 'first_message', policy: 'us' },
      { text: 'Лавка: добро пожаловать. Отписаться: ответьте STOP', kind: 'first_message', policy: 'us' },
    ],
    pass: [
      {
        text: 'Lavka: welcome! Up to 4 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.',
        kind: 'first_message',
        policy: 'us',
      },
      {
        text: 'Лавка: добро пожаловать! До 4 сообщений в месяц. Msg & data rates may apply. HELP — помощь, STOP — отписка',
        kind: 'first_message',
        policy: 'us',
      },
      { text: EN_OK, policy: 'us' },
      { text: 'Lavka: welcome. Reply STOP to opt out', kind: 'first_message', policy: 'eu' },
    ],
  },
  'LINT-DOI-CONFIRM-KEYWORD': {
    fail: [
      { text: 'Lavka: please confirm you want our messages', kind: 'doi_request', policy: 'de' },
      { text: 'Лавка: подтвердите подписку на наши сообщения', kind: 'doi_request', policy: 'de' },
    ],
    pass: [
      { text: 'Lavka: reply YES to confirm you want our messages', kind: 'doi_request', policy: 'de' },
      { text: 'Лавка: ответьте ДА, чтобы подтвердить подписку', kind: 'doi_request', policy: 'de' },
    ],
  },
  'LINT-DOI-NEUTRAL': {
    fail: [
      { text: 'Lavka: reply YES to confirm. Get 10% off your next visit!', kind: 'doi_request', policy: 'de' },
      { text: 'Лавка: ответьте ДА для подтверждения. Скидка 10% на первую покупку!', kind: 'doi_request', policy: 'de' },
      { text: 'Lavka: you will get no more messages. Come back for our sale!', kind: 'optout_confirmation' },
      { text: 'Лавка: вы отписаны. Но у нас распродажа!', kind: 'optout_confirmation' },
    ],
    pass: [
      { text: 'Lavka: reply YES to confirm. Ignore this message if you did not ask.', kind: 'doi_request', policy: 'de' },
      { text: 'Лавка: вы отписаны и больше не получите сообщений.', kind: 'optout_confirmation' },
    ],
  },
  'LINT-PURPOSE-MISMATCH': {
    fail: [
      { text: 'Lavka: your order is ready. Use code AUTUMN for 15% off next time', purpose: 'service' },
      { text: 'Лавка: заказ готов. И скидка 15% на следующую покупку', purpose: 'service' },
    ],
    pass: [
      { text: 'Lavka: your order 1234 is ready for pickup', purpose: 'service' },
      { text: 'Лавка: заказ 1234 готов к выдаче', purpose: 'service' },
    ],
  },
  'LINT-RESTRICTED': {
    fail: [
      { text: 'Lavka: new wines in store. Reply STOP to opt out' },
      { text: 'Лавка: новые сигареты и вейпы. Отписаться: ответьте СТОП' },
      { text: 'Лавка: витамины и БАДы в аптеке. Отписаться: ответьте СТОП' },
      { text: 'Lavka: cigarettes restocked. Reply STOP to opt out', policy: 'eu' },
    ],
    pass: [
      { text: 'Лавка: новые вина. Чрезмерное потребление алкоголя вредит вашему здоровью. Отписаться: ответьте СТОП' },
      { text: RU_OK },
      { text: EN_OK, policy: 'us' },
      { text: 'Lavka: new wines in store', purpose: 'service' },
    ],
  },
  'LINT-CLAIM-GUARANTEE': {
    fail: [{ text: 'Lavka: guaranteed results. Reply STOP to opt out' }, { text: 'Лавка: гарантируем результат! Отписаться: ответьте СТОП' }],
    pass: [{ text: EN_OK }, { text: RU_OK }],
  },
  'LINT-CLAIM-FREE': {
    fail: [{ text: 'Lavka: free coffee for everyone. Reply STOP to opt out' }, { text: 'Лавка: бесплатный кофе всем. Отписаться: ответьте СТОП' }],
    pass: [
      { text: 'Lavka: free coffee with any purchase. Reply STOP to opt out' },
      { text: 'Лавка: бесплатный кофе при покупке от 500 ₽. Отписаться: ответьте СТОП' },
      { text: 'Lavka: gluten-free bread, feel free to ask. Reply STOP to opt out' },
    ],
  },
  'LINT-CLAIM-URGENCY': {
    fail: [{ text: 'Lavka: last chance, hurry! Reply STOP to opt out' }, { text: 'Лавка: успейте, только сегодня! Отписаться: ответьте СТОП' }],
    pass: [
      { text: 'Lavka: the sale runs until 30 November. Reply STOP to opt out' },
      { text: 'Лавка: распродажа до 30 ноября. Отписаться: ответьте СТОП' },
    ],
  },
  'LINT-CLAIM-SUPERLATIVE': {
    fail: [
      { text: 'Lavka: the best prices in town. Reply STOP to opt out' },
      { text: 'Лавка: самые низкие цены в городе. Отписаться: ответьте СТОП' },
      { text: 'Лавка — №1 в Москве. Отписаться: ответьте СТОП' },
      { text: 'Лавка: лучшие подарки. Отписаться: ответьте СТОП' },
    ],
    pass: [
      { text: 'Lavka: best wishes for the holidays. Reply STOP to opt out' },
      { text: 'Лавка: с наилучшими пожеланиями. Отписаться: ответьте СТОП' },
    ],
  },
  'LINT-CAPS': {
    fail: [
      { text: 'Lavka: HUGE AUTUMN SALE today. Reply STOP to opt out' },
      { text: 'Лавка: ОГРОМНАЯ РАСПРОДАЖА сегодня. Отписаться: ответьте СТОП' },
    ],
    pass: [{ text: 'LAVKA: new range, VIP only. Reply STOP to opt out' }, { text: 'ЛАВКА: новинки для VIP. ОТПИСАТЬСЯ: ответьте СТОП' }],
  },
  'LINT-EXCLAMATION': {
    fail: [
      { text: 'Lavka: new range!!! Reply STOP to opt out' },
      { text: 'Лавка: новинки!!! Отписаться: ответьте СТОП' },
      { text: 'Lavka: really?!? Reply STOP to opt out' },
    ],
    pass: [{ text: 'Lavka: new range! Reply STOP to opt out' }, { text: 'Лавка: новинки! Отписаться: ответьте СТОП' }],
  },
  'LINT-PLACEHOLDER': {
    fail: [
      { text: 'Lavka: hi {{first_name, new range. Reply STOP to opt out' },
      { text: 'Lavka: hi {{First Name}}. Reply STOP to opt out' },
      { text: 'Lavka: hi {{nickname}}. Reply STOP to opt out' },
      { text: 'Лавка: {{имя}}, новинки. Отписаться: ответьте СТОП' },
      { text: 'Лавка: звоните {{shop_phone}}. Отписаться: ответьте СТОП', settings: { shopPhone: null } },
      { text: 'Lavka: hi {{1}}. Reply STOP to opt out' },
    ],
    pass: [
      { text: 'Lavka: hi {{first_name|there}}. Reply STOP to opt out' },
      { text: 'Лавка: {{first_name|покупатель}}, звоните {{shop_phone}}. Отписаться: ответьте СТОП' },
    ],
  },
  'LINT-PLACEHOLDER-FALLBACK': {
    fail: [{ text: 'Lavka: hi {{first_name}}. Reply STOP to opt out' }, { text: 'Лавка: {{name}}, новинки. Отписаться: ответьте СТОП' }],
    pass: [{ text: 'Lavka: hi {{first_name|there}}. Reply STOP to opt out' }, { text: 'Лавка: {{shop_name}} ждёт вас. Отписаться: ответьте СТОП' }],
  },
  'LINT-LINKS': {
    fail: [
      { text: 'Lavka: new range https://bit.ly/3xYz. Reply STOP to opt out' },
      { text: 'Lavka: new range http://lavka.ru/new. Reply STOP to opt out' },
      { text: 'Лавка: новинки на example.com/new. Отписаться: ответьте СТОП' },
      { text: 'Лавка: пишите wa.me/79161234567. Отписаться: ответьте СТОП', channel: 'whatsapp' },
    ],
    pass: [
      { text: 'Lavka: new range https://lavka.ru/new. Reply STOP to opt out' },
      { text: 'Лавка: новинки на shop.lavka.ru. Отписаться: ответьте СТОП' },
    ],
  },
  'LINT-SMS-ENCODING': {
    fail: [{ text: EN_OK }, { text: RU_OK }],
    pass: [
      { text: EN_OK, channel: 'whatsapp' },
      { text: RU_OK, channel: 'whatsapp' },
    ],
  },
  'LINT-UCS2-TRIGGER': {
    fail: [
      { text: 'Lavka: “new” range — in store… Reply STOP to opt out' },
      { text: 'Lavka: price 500₽ № 5 😀. Reply STOP to opt out' },
      { text: 'Lavka: new сafe menu. Reply STOP to opt out' },
    ],
    pass: [
      { text: EN_OK },
      { text: 'Лавка: «новинки» — в магазине. Отписаться: ответьте СТОП' },
      { text: 'Lavka: “new”. Reply STOP to opt out', channel: 'whatsapp' },
    ],
  },
  'LINT-INVISIBLE-CHAR': {
    fail: [
      { text: 'Lavka:\u00a0new range. Reply STOP to opt out' },
      { text: 'Лавка: но\u200bвинки. Отписаться: ответьте СТОП' },
      { text: 'Lavka: new    range. Reply STOP to opt out' },
      { text: 'Лавка:\u2009новинки. Отписаться: ответьте СТОП', channel: 'whatsapp' },
    ],
    pass: [{ text: EN_OK }, { text: RU_OK }, { text: 'Lavka: 👩‍👩‍👧 family day. Reply STOP to opt out', channel: 'whatsapp' }],
  },
  'LINT-SEGMENT-BUDGET': {
    fail: [
      { text: `${EN_OK} ${'word '.repeat(100)}` },
      { text: `${RU_OK} ${'слово '.repeat(40)}` },
      { text: `${EN_OK} ${'word '.repeat(40)}`, settings: { smsSegmentLimit: 1 } },
    ],
    pass: [{ text: `${EN_OK} ${'word '.repeat(40)}` }, { text: RU_OK }],
  },
  'LINT-SMS-LENGTH': {
    fail: [{ text: `${EN_OK} ${'word '.repeat(330)}` }, { text: `${RU_OK} ${'слово '.repeat(120)}` }],
    pass: [{ text: `${EN_OK} ${'word '.repeat(100)}` }, { text: `${RU_OK} ${'слово '.repeat(80)}` }],
  },
  'WA-VAR-SEQUENTIAL': {
    fail: [
      { text: 'Lavka: hi {{2}}, order {{3}} ready.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: {{2}}, заказ {{1}} готов.', channel: 'whatsapp', purpose: 'service' },
    ],
    pass: [
      { text: 'Lavka: hi {{1}}, order {{2}} ready.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: заказ {{1}} готов.', channel: 'whatsapp', purpose: 'service' },
    ],
  },
  'WA-VAR-EDGE': {
    fail: [
      { text: '{{first_name|there}}, your order at Lavka is ready', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: ваш заказ готов, {{first_name|покупатель}}', channel: 'whatsapp', purpose: 'service' },
    ],
    pass: [
      { text: 'Hi {{first_name|there}}, your order at Lavka is ready.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: ваш заказ готов, {{first_name|покупатель}}.', channel: 'whatsapp', purpose: 'service' },
    ],
  },
  'WA-VAR-ADJACENT': {
    fail: [
      { text: 'Hello {{first_name|there}} {{name|friend}}, order ready at Lavka.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: {{first_name|покупатель}}, {{name|гость}}, заказ готов.', channel: 'whatsapp', purpose: 'service' },
    ],
    pass: [
      { text: 'Hello {{first_name|there}}, order for {{name|you}} is ready at Lavka.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: {{first_name|покупатель}}, заказ на имя {{name|гость}} готов.', channel: 'whatsapp', purpose: 'service' },
    ],
  },
  'WA-VAR-RATIO': {
    fail: [
      { text: 'Hi {{first_name|x}} {{name|y}} {{shop_name}}.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка {{name|x}}.', channel: 'whatsapp', purpose: 'service' },
    ],
    pass: [
      { text: 'Hello {{first_name|there}}, your order at Lavka is ready for pickup.', channel: 'whatsapp', purpose: 'service' },
      { text: 'Лавка: {{first_name|покупатель}}, ваш заказ готов к выдаче.', channel: 'whatsapp', purpose: 'service' },
    ],
  },
  'WA-LIMITS': {
    fail: [
      { text: `Lavka: ${'a'.repeat(1100)}. Reply STOP to opt out`, channel: 'whatsapp' },
      { text: RU_OK, channel: 'whatsapp', header: 'Новинки 🎉' },
      { text: RU_OK, channel: 'whatsapp', footer: 'Лавка {{1}}' },
      {
        text: EN_OK,
        channel: 'whatsapp',
        buttons: [
          { type: 'url', text: 'a' },
          { type: 'url', text: 'b' },
          { type: 'url', text: 'c' },
        ],
      },
      { text: EN_OK, channel: 'whatsapp', buttons: [{ type: 'quick_reply', text: 'This label is far too long for a button' }] },
    ],
    pass: [
      {
        text: EN_OK,
        channel: 'whatsapp',
        header: 'New range',
        footer: 'Lavka, Tverskaya 1',
        buttons: [{ type: 'quick_reply', text: 'Stop promotions' }],
      },
      { text: RU_OK, channel: 'whatsapp', header: 'Новинки', footer: 'Лавка, Тверская 1' },
    ],
  },
  'WA-WHITESPACE': {
    fail: [
      { text: 'Lavka:\tnew range. Reply STOP to opt out', channel: 'whatsapp' },
      { text: 'Лавка:      новинки.\n\n\n\nОтписаться: ответьте СТОП', channel: 'whatsapp' },
    ],
    pass: [
      { text: EN_OK, channel: 'whatsapp' },
      { text: 'Лавка: новинки.\n\nОтписаться: ответьте СТОП', channel: 'whatsapp' },
    ],
  },
  'WA-LANG': {
    fail: [
      { text: EN_OK, channel: 'whatsapp', language: 'ru' },
      { text: RU_OK, channel: 'whatsapp', language: 'en' },
    ],
    pass: [
      { text: EN_OK, channel: 'whatsapp', language: 'en' },
      { text: RU_OK, channel: 'whatsapp', language: 'ru' },
    ],
  },
  'LINT-QUIET-HOURS': {
    fail: [
      { text: EN_OK, policy: 'us', sendAt: '2026-11-24T03:00:00Z' },
      { text: RU_OK, sendAt: '2026-11-24T20:30:00Z' },
      { text: EN_OK, policy: 'us', sendAt: '2026-11-24T16:00:00Z', recipientTimeZones: ['Pacific/Honolulu'] },
    ],
    pass: [
      { text: EN_OK, policy: 'us', sendAt: '2026-11-24T19:00:00Z' },
      { text: RU_OK, sendAt: '2026-11-24T09:00:00Z' },
      { text: RU_OK, purpose: 'service', sendAt: '2026-11-24T23:00:00Z' },
    ],
  },
};

describe('lint rules: each rule has failing and passing examples in English and Russian', () => {
  it('covers every rule', () => {
    expect(Object.keys(TABLE).sort()).toEqual(
      listRules()
        .map((r) => r.id)
        .sort(),
    );
  });
  for (const [rule, { fail, pass }] of Object.entries(TABLE)) {
    describe(rule, () => {
      it.each(fail.map((c) => [c.text.slice(0, 70), c] as const))('flags: %s', (_t, c) => {
        const r = run(c);
        expect(r.diagnostics.map((d) => d.rule)).toContain(rule);
        const ru = run(c, 'ru').diagnostics.find((d) => d.rule === rule)!;
        expect(ru.message).toMatch(/[а-яё]/iu);
      });
      it.each(pass.map((c) => [c.text.slice(0, 70), c] as const))('passes: %s', (_t, c) => {
        expect(run(c).diagnostics.filter((d) => d.rule === rule)).toEqual([]);
      });
    });
  }
});

describe('lint engine', () => {
  it('a clean marketing message in each language has no errors or warnings', () => {
    for (const text of [EN_OK, RU_OK]) {
      const r = run({ text });
      expect(r.ok).toBe(true);
      expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    }
  });

  it('highlights the exact phrase and gives a fix that removes the problem', () => {
    const text = 'Lavka: new range!!! Reply 2 to stop';
    const r = run({ text });
    const bang = r.diagnostics.find((d) => d.rule === 'LINT-EXCLAMATION')!;
    expect(text.slice(bang.start, bang.end)).toBe('!!!');
    const key = r.diagnostics.find((d) => d.rule === 'LINT-OPTOUT-KEYWORD-VALID')!;
    expect(text.slice(key.start, key.end)).toBe('2');
    expect(applyEdits(text, key.fix!.edits)).toBe('Lavka: new range!!! Reply STOP to stop');
    expect(r.ok).toBe(false);
  });

  it('a switched-off warning disappears, an error never does', () => {
    const text = 'New range!!!';
    const r = run({ text, settings: { lintDisabledRules: ['LINT-EXCLAMATION', 'LINT-SENDER-ID', 'LINT-OPTOUT-PRESENT'] } });
    const rules = r.diagnostics.map((d) => d.rule);
    expect(rules).not.toContain('LINT-EXCLAMATION');
    expect(rules).toContain('LINT-SENDER-ID');
    expect(rules).toContain('LINT-OPTOUT-PRESENT');
  });

  it('a send-time fix moves the planned time into the window in every US zone', () => {
    const r = run({ text: EN_OK, policy: 'us', sendAt: '2026-11-24T03:00:00Z' });
    const d = r.diagnostics.find((x) => x.rule === 'LINT-QUIET-HOURS')!;
    expect(d.severity).toBe('error');
    expect(d.fix!.sendAt).toBeDefined();
    expect(run({ text: EN_OK, policy: 'us', sendAt: d.fix!.sendAt }).diagnostics.map((x) => x.rule)).not.toContain('LINT-QUIET-HOURS');
  });

  it("outside a window that is only good practice: a warning that says the messages go at the time set, fixed in the shop's own time", () => {
    // 01:11 in Moscow under the ru pack's recommended 09:00–21:00.
    const r = run({ text: RU_OK, policy: 'ru', sendAt: '2026-12-07T22:11:00Z', settings: { timezone: 'Europe/Moscow' } }, 'ru');
    const d = r.diagnostics.find((x) => x.rule === 'LINT-QUIET-HOURS')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toContain('Сообщения уйдут в назначенное время');
    expect(d.message).toContain('уточните у своего шлюза');
    expect(d.message).not.toMatch(/VERIFY|gateway|ждут открытия/);
    expect(d.fix!.label).toBe('Отправить 08.12.2026 в 09:00 (Europe/Moscow)');
    const en = run({ text: EN_OK, policy: 'uk', sendAt: '2026-12-08T01:11:00Z', settings: { timezone: 'Europe/London' } });
    const w = en.diagnostics.find((x) => x.rule === 'LINT-QUIET-HOURS')!;
    expect(w.message).toContain('The messages go out at the time set');
    expect(w.message).not.toContain('held until');
    expect(w.fix!.label).toBe('Send at 8 Dec 2026, 08:00 (Europe/London)');
  });

  it("a shop's own send window holds the messages, and says it is the shop's, not the law's", () => {
    const r = run({
      text: EN_OK,
      policy: 'uk',
      sendAt: '2026-12-08T01:11:00Z',
      settings: { timezone: 'Europe/London', policyPack: 'uk', policyOverrides: { quietHours: { start: '10:00', end: '18:00' } } },
    });
    const d = r.diagnostics.find((x) => x.rule === 'LINT-QUIET-HOURS')!;
    expect(d.message).toContain("(the shop's send window); such messages are held until the window opens");
    expect(d.fix!.label).toBe('Send at 8 Dec 2026, 10:00 (Europe/London)');
  });

  it('promotion in price wording and in German makes a service message marketing; service wording with prices does not', () => {
    const flagged = (text: string, policy: 'uk' | 'de' = 'uk') =>
      run({ text, purpose: 'service', policy, settings: { policyPack: policy } }).diagnostics.some((d) => d.rule === 'LINT-PURPOSE-MISMATCH');
    for (const text of [
      'Corner Shop: everything is half price this weekend.',
      'Corner Shop: get £5 off your next shop when you spend £20.',
      'Corner Shop: 2 for 1 on all cakes until Sunday.',
      'Corner Shop: buy 2, get 1 free on bread.',
      'Corner Shop: jackets were £40, was £40 now £25.',
    ])
      expect(flagged(text), text).toBe(true);
    for (const text of ['Eckladen: Nur heute 20 Prozent Rabatt auf alle Brötchen!', 'Eckladen: Unser Angebot der Woche – Kaffee zum halben Preis.'])
      expect(flagged(text, 'de'), text).toBe(true);
    for (const text of [
      'Corner Shop: your order was £20, now ready to collect.',
      'Corner Shop: your order #2 for 10:00 is ready.',
      'Eckladen: Ihre Bestellung ist abholbereit.',
      'Corner Shop: reduced opening hours on Monday.',
    ])
      expect(flagged(text, text.startsWith('Eckladen') ? 'de' : 'uk'), text).toBe(false);
  });

  it('counts the longest recipient: Cyrillic names turn a GSM-7 message into UCS-2', () => {
    const text = 'Lavka: hi {{first_name|there}}, new range. Reply STOP to opt out';
    const latin = lintMessage({ text, channel: 'sms', purpose: 'marketing' }, lintProfileFromSettings(SETTINGS));
    expect(latin.encoding).toBe('GSM-7');
    expect(latin.longest.encoding).toBe('GSM-7');
    const cyr = lintMessage(
      { text, channel: 'sms', purpose: 'marketing', sample: { first_name: 'Анна' } },
      lintProfileFromSettings(SETTINGS, { fieldMaxLength: { first_name: 14 }, namesNeedUcs2: true }),
    );
    expect(cyr.longest.encoding).toBe('UCS-2');
    expect(cyr.preview).toMatchObject({ text: 'Lavka: hi Анна, new range. Reply STOP to opt out', encoding: 'UCS-2' });
  });

  it('diagnostics come in the UI language, independent of the message language', () => {
    const r = run({ text: 'New range' }, 'ru');
    expect(r.diagnostics.find((d) => d.rule === 'LINT-OPTOUT-PRESENT')!.message).toMatch(/^В сообщении не сказано/u);
  });
});

import { describe, expect, it } from 'vitest';
import { grantPaper, scriptedShop, type ShopOptions } from '../support/shop';

// The inbound classifier's reading of free-text replies, end to end: what the reply records and whom the next
// marketing batch reaches. Found by an adversarial test (a hyphen, a zero-width character or a Russian word form hid
// an opt-out; a refusal next to an opt-in word was recorded as consent).

const TEXT_RU = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const TEXT_EN = 'Corner Shop: 10% off bakery this week. Reply STOP to opt out';
const UK: ShopOptions = {
  settings: {
    businessName: 'Corner Shop',
    senderName: 'CORNER',
    shopPhone: '+44 20 7946 0000',
    defaultCountry: 'GB',
    timezone: 'Europe/London',
    policyPack: 'uk',
  },
  form: {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Corner Shop by SMS. Reply STOP to opt out.',
  },
};

const shop = scriptedShop;

async function marketingRecipients(t: Awaited<ReturnType<typeof shop>>, text: string): Promise<string[]> {
  const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text });
  await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
  return t.provider.recipients();
}

describe('a free-text opt-out stops marketing to the sender (FCC "any reasonable means", 38-FZ "any clear request")', () => {
  const A = '+79120000001';
  it.each([
    'Opt-out',
    'opt-out please',
    'СТОП-СТОП',
    'Я отписываюсь',
    'Прекратите рассылку',
    'Отказываюсь от рассылки',
    'S\u200bTOP',
    'Отзываю согласие на обработку персональных данных',
    'Удалите мои данные',
    'Unsub',
    'no more texts please',
  ])('%j', async (text) => {
    const t = await shop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    const r = await t.call('inbound.receive', { from: A, text });
    expect({ classified: r.classified, recipients: await marketingRecipients(t, TEXT_RU) }).toEqual({ classified: 'opt_out', recipients: [] });
  });
});

describe('a reply that refuses is no consent (GDPR art. 4(11): an unambiguous indication of wishes)', () => {
  const P = '+447911124001';
  it.each(['Subscribe? No thanks', 'Join? No.', 'Start? Never. Who is this?', 'Подписаться? Нет, не хочу'])(
    '%j from a number never asked',
    async (text) => {
      const t = await shop(UK, '2026-03-02T11:00:00Z');
      const r = await t.call('inbound.receive', { from: P, channel: 'sms', text });
      expect({ classified: r.classified, events: r.events.map((e) => e.action), recipients: await marketingRecipients(t, TEXT_EN) }).toEqual({
        classified: 'other',
        events: [],
        recipients: [],
      });
    },
  );

  it('a plain START still grants', async () => {
    const t = await shop(UK, '2026-03-02T11:00:00Z');
    const r = await t.call('inbound.receive', { from: P, channel: 'sms', text: 'Start' });
    expect({ classified: r.classified, events: r.events.map((e) => e.action), recipients: await marketingRecipients(t, TEXT_EN) }).toEqual({
      classified: 'opt_in',
      events: ['grant'],
      recipients: [P],
    });
  });
});

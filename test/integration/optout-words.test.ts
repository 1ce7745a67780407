import { describe, expect, it } from 'vitest';
import type { Caller } from '../support/backend';
import type { ScriptedProvider } from '../support/scripted-provider';
import { importFile, writeFile } from '../support/imports';
import { grantPaper, scriptedShop } from '../support/shop';

// Opt-outs a reasonable person reads as "stop" that the app did not read (found by an adversarial test): replies in
// words, with look-alike letters or a held-down key; consent cells saying the person unsubscribed; and a reply
// withdrawing the 152-FZ personal-data consent, which revoked marketing only.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const A = '+79120000001';

async function sendAll(t: { call: Caller; provider: ScriptedProvider }): Promise<string[]> {
  const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
  await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
  return t.provider.recipients();
}

describe('an opt-out reply in words, look-alike letters or with a doubled letter stops marketing', () => {
  it.each([
    'Отстаньте от меня',
    'Не надо мне смс',
    'Не хочу ничего получать',
    'СТОР', // STOP in Cyrillic letters: С Т О Р
    'CTOП', // СТОП with Latin C, T, O
    'стопп',
  ])('%j', async (text) => {
    const t = await scriptedShop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    const r = await t.call('inbound.receive', { from: A, text });
    expect({ classified: r.classified, sent: await sendAll(t) }).toEqual({ classified: 'opt_out', sent: [] });
  });
});

describe('an imported consent cell that says the person unsubscribed revokes the earlier consent', () => {
  it.each(['Отписан от рассылки', 'Отказ от рассылки', 'Unsubscribed.', 'Не беспокоить!', 'отписаны', 'Opted out via SMS'])('%j', async (value) => {
    const t = await scriptedShop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    t.clock.advance(86_400_000);
    const csv = ['Имя,Телефон,Согласие SMS', `Анна,${A},${JSON.stringify(value)}`].join('\n');
    const s = await importFile(t, writeFile(t, 'crm.csv', csv), { dryRun: false });
    expect(s.revocations).toBeGreaterThan(0);
    expect(await sendAll(t)).toEqual([]);
  });
});

describe('a reply withdrawing the personal-data consent withdraws it, not only marketing', () => {
  it('RU: the 152-FZ consent is revoked on every channel, and a later START alone does not make marketing sendable', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    t.clock.advance(60_000);
    const r = await t.call('inbound.receive', { from: A, text: 'Отзываю согласие на обработку персональных данных' });
    expect(r.classified).toBe('opt_out');
    expect(r.events.map((e) => `${e.channel}/${e.purpose}/${e.action}`).sort()).toEqual([
      'sms/marketing/revoke',
      'sms/personal_data/revoke',
      'whatsapp/marketing/revoke',
      'whatsapp/personal_data/revoke',
    ]);
    const status = await t.call('consent.status', { phone: A });
    expect(status.consents.filter((c) => c.purpose === 'personal_data').map((c) => c.status)).toEqual(['revoked', 'revoked']);
    t.clock.advance(60_000);
    await t.call('inbound.receive', { from: A, text: 'СТАРТ' });
    expect(await sendAll(t)).toEqual([]);
  });
});

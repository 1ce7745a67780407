// Found by a black-box round (both failed before the fix): a deletion request (contacts.erase) from someone whose marketing is already revoked writes no revocation at
// the moment it is carried out; a paper sheet signed that same day and typed in afterwards is dated from the start of
// the day, so it lands after the old opt-out and before the erasure, and wins: the person is planned and sent
// marketing. README: "The row is dated from the start of the day written on the sheet ..., so an opt-out received later
// that day still wins" — here the erasure (a withdrawal of everything) received at 10:00 loses to a sheet dated 00:00.
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';

const TEXT = 'Corner Shop: 10% off bakery this week. Reply STOP to opt out';

it('an erasure on the 10th still wins over a sheet signed on the 10th (earlier opt-out on record)', async () => {
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
  const provider = new ScriptedProvider(['sms', 'whatsapp']);
  const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
  try {
    await t.call('settings.update', {
      businessName: 'Corner Shop',
      senderName: 'CORNER',
      defaultCountry: 'GB',
      timezone: 'Europe/London',
      policyPack: 'uk',
    });
    const f = await t.call('forms.create', {
      language: 'en',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from Corner Shop by SMS and WhatsApp. Reply STOP to opt out.',
    });
    const sheet = await t.call('forms.print', { formVersionId: f.id, layout: 'group', rows: 10, copies: 1 });
    await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
    const A = '+447911123003';
    await t.call('inbound.receive', { from: A, text: `START ${f.code}`, providerId: 'a1' });
    clock.advance(60_000);
    await t.call('inbound.receive', { from: A, text: 'STOP', providerId: 'a2' }); // 2 March: opted out
    clock.t = Date.parse('2026-03-10T10:00:00Z');
    await t.call('contacts.erase', { phone: A, reference: 'letter of 10 March' }); // 10 March 10:00: deletion request carried out
    clock.t = Date.parse('2026-03-10T15:00:00Z');
    await t.call('sheets.enterRow', { serial: sheet.serials[0]!, row: 1, phone: A, channels: ['sms'], signedOn: '2026-03-10' });

    const cell = (await t.call('consent.status', { phone: A })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    // The erasure at 10:00 came after the start of the day the sheet is dated from: it must still win.
    expect({ status: cell.status, sendable: cell.sendable, eligible: plan.eligible, sentTo: provider.recipients() }).toEqual({
      status: 'revoked',
      sendable: false,
      eligible: 0,
      sentTo: [],
    });
  } finally {
    t.cleanup();
  }
});

it('ru: an erasure also stops a personal-data tick dated earlier that day (no PD consent was in force, none revoked)', async () => {
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
  const t = testBackend(clock);
  try {
    await t.call('settings.update', {
      businessName: 'Лавка у дома',
      senderName: 'LAVKA',
      shopPhone: '+7 912 000-00-00',
      defaultCountry: 'RU',
      timezone: 'Europe/Moscow',
      policyPack: 'ru',
    });
    const tpl = await t.call('forms.template', { language: 'ru', channels: ['sms', 'whatsapp'] });
    const f = await t.call('forms.create', { ...tpl, channels: ['sms', 'whatsapp'] });
    const sheet = await t.call('forms.print', { formVersionId: f.id, layout: 'group', rows: 10, copies: 1 });
    const A = '+79120000001';
    await t.call('consent.record', {
      phone: A,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: f.id, sheetRef: sheet.serials[0]! },
    });
    clock.advance(60_000);
    await t.call('inbound.receive', { from: A, text: 'СТОП', providerId: 'r1' });
    clock.t = Date.parse('2026-03-10T07:00:00Z'); // 10:00 in Moscow
    await t.call('contacts.erase', { phone: A });
    clock.t = Date.parse('2026-03-10T12:00:00Z');
    await t.call('sheets.enterRow', { serial: sheet.serials[0]!, row: 1, phone: A, channels: ['sms'], signedOn: '2026-03-10' });
    const st = await t.call('consent.status', { phone: A });
    const m = st.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect({ status: m.status, sendable: m.sendable }).toEqual({ status: 'revoked', sendable: false });
  } finally {
    t.cleanup();
  }
});

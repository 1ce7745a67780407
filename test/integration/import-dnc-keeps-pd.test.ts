// Found by a black-box round (failed before the fix; ru): README — "a do-not-contact withdraws every channel and purpose of every number in the row". An
// import row with "Do not contact: yes" revokes marketing and service but leaves the 152-FZ personal-data consent
// granted; a later bare "ПОДПИСАТЬСЯ"/START (marketing only) then makes marketing sendable again, though the person's
// personal-data consent was withdrawn and never given again (ru: marketing needs it in force).
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';

it('a file do-not-contact withdraws the personal-data consent too', async () => {
  const clock = new TestClock(Date.parse('2026-03-12T09:00:00Z'));
  const provider = new ScriptedProvider(['sms', 'whatsapp']);
  const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
  try {
    await t.call('settings.update', {
      businessName: 'Лавка у дома',
      senderName: 'LAVKA',
      shopPhone: '+7 912 000-00-00',
      defaultCountry: 'RU',
      timezone: 'Europe/Moscow',
      policyPack: 'ru',
    });
    await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
    const tpl = await t.call('forms.template', { language: 'ru', channels: ['sms', 'whatsapp'] });
    const f = await t.call('forms.create', { ...tpl, channels: ['sms', 'whatsapp'] });
    const sheet = await t.call('forms.print', { formVersionId: f.id, layout: 'group', rows: 10, copies: 1 });
    const A = '+79120000005';
    await t.call('sheets.enterRow', { serial: sheet.serials[0]!, row: 1, phone: A, channels: ['sms'], signedOn: '2026-03-12' }); // marketing + PD
    clock.advance(86_400_000);
    const text = 'Имя;Телефон;Не беспокоить\nКлиент;8 912 000-00-05;да\n';
    const { uploadId } = await t.call('files.begin', { name: 'crm.csv' });
    await t.call('files.append', { uploadId, offset: 0, data: Buffer.from(text).toString('base64') });
    const { fileId } = await t.call('files.finish', { uploadId });
    const info = await t.call('import.inspect', { fileId });
    const job = await t.call('import.start', { fileId, mapping: info.mapping, dryRun: false });
    await t.backend.jobs.wait(job.jobId);
    const pd = (await t.call('consent.status', { phone: A })).consents.filter((c) => c.purpose === 'personal_data').map((c) => c.status);
    clock.advance(3_600_000);
    await t.call('inbound.receive', { from: A, text: 'ПОДПИСАТЬСЯ', providerId: 'm1' }); // bare opt-in: marketing only
    const plan = await t.call('campaign.plan', {
      channel: 'sms',
      purpose: 'marketing',
      text: 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП',
    });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    expect({
      dnc: info.mapping.some((m) => m.target.field === 'do_not_contact'),
      pdGrantedAfterDnc: pd.includes('granted'),
      sentTo: provider.recipients(),
    }).toEqual({
      dnc: true,
      pdGrantedAfterDnc: false,
      sentTo: [],
    });
  } finally {
    t.cleanup();
  }
});

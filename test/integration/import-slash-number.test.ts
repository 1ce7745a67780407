// Found by a black-box round (failed before the fix): F7 (minor; reported, not silent): a German file writing numbers the DIN 5008 way ("0151/12345005") has its
// rows rejected — the importer splits the cell at "/" into two numbers — so an "unsubscribed" in that row is never
// recorded and the customer stays sendable. Paper entry and the other doors read the same text as +4915112345005.
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';

it('an opt-out row with "0151/12345005" withdraws +4915112345005', async () => {
  const clock = new TestClock(Date.parse('2026-03-24T10:26:00Z'));
  const t = testBackend(clock);
  try {
    await t.call('settings.update', {
      businessName: 'Eckladen',
      senderName: 'ECKLADEN',
      defaultCountry: 'DE',
      timezone: 'Europe/Berlin',
      policyPack: 'eu',
    });
    const A = '+4915112345005';
    await t.call('consent.record', {
      phone: A,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'x' },
    });
    const text = 'Name,Telefon,SMS consent\nKarl,0151/12345005,unsubscribed\n';
    const { uploadId } = await t.call('files.begin', { name: 'kunden.csv' });
    await t.call('files.append', { uploadId, offset: 0, data: Buffer.from(text).toString('base64') });
    const { fileId } = await t.call('files.finish', { uploadId });
    const info = await t.call('import.inspect', { fileId });
    const job = await t.call('import.start', { fileId, mapping: info.mapping, dryRun: false });
    await t.backend.jobs.wait(job.jobId);
    const cell = (await t.call('consent.status', { phone: A })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(cell.status).toBe('revoked');
  } finally {
    t.cleanup();
  }
});

import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { importFile, writeFile } from '../support/imports';

type T = ReturnType<typeof scopedBackend>;
const smsMarketing = async (t: T, phone: string) =>
  (await t.call('consent.status', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

const P = '+16472345678';

/** A Toronto shop: Ann signed a paper sheet on 1 April and said STOP on 1 November. */
async function mapleShop(): Promise<T & { formId: number }> {
  const t = scopedBackend(undefined, new TestClock(Date.parse('2026-12-07T15:00:00Z')));
  await t.call('settings.update', {
    businessName: 'Maple',
    senderName: 'MAPLE',
    shopPhone: '+1 647 555 0100',
    defaultCountry: 'CA',
    timezone: 'America/Toronto',
    policyPack: 'ca',
  });
  const form = await t.call('forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Maple by SMS. Reply STOP to opt out.',
  });
  await t.call('consent.record', {
    phone: P,
    channel: 'sms',
    purpose: 'marketing',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: form.id, sheetRef: 'S-1' },
    occurredAt: '2026-04-01T12:00:00Z',
  });
  await t.call('consent.record', { phone: P, channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt: '2026-11-01T12:00:00Z' });
  return Object.assign(t, { formId: form.id });
}

describe('a Canadian file whose slash dates read two ways', () => {
  it('a "yes" dated 12/05/2026 (12 May or 5 December) does not undo a STOP of 1 November, and the preview and the report say so', async () => {
    const t = await mapleShop();
    const path = writeFile(t, 'crm.csv', 'Name,Phone,SMS consent,Consent date,Consent source\nAnn,+1 647 234 5678,yes,12/05/2026,store signup\n');
    const preview = await importFile(t, path, { dryRun: true });
    const commit = await importFile(t, path, { dryRun: false });
    for (const s of [preview, commit]) {
      const group = s.warningGroups?.find((g) => g.kind === 'date_ambiguous');
      expect(group, JSON.stringify(s.warningGroups)).toBeDefined();
      expect(group!.examples[0]!.params).toMatchObject({ early: '2026-05-12', late: '2026-12-05', read: '2026-05-12' });
    }
    // Read month-first (5 December), the grant came after the STOP and marketing would have started again.
    expect((await smsMarketing(t, P)).status).toBe('revoked');
    const certificate = await t.call('consent.status', { phone: P });
    expect(certificate.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe('revoked');
  });

  it('an opt-out dated 12/05/2026 is read as 5 December: it wins over a grant made in between', async () => {
    const t = await mapleShop();
    await t.call('consent.record', {
      phone: P,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: t.formId, sheetRef: 'S-7' },
      occurredAt: '2026-11-20T12:00:00Z',
    });
    expect((await smsMarketing(t, P)).status).toBe('granted');
    const path = writeFile(t, 'crm.csv', 'Name,Phone,SMS consent,Consent date\nAnn,+1 647 234 5678,STOP,12/05/2026\n');
    await importFile(t, path, { dryRun: false });
    expect((await smsMarketing(t, P)).status).toBe('revoked');
  });
});

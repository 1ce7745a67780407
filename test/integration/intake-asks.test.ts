import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import { grantPaper, russianShop, scriptedShop } from '../support/shop';

// Two intake doors that spoke for a person on a file's word alone.

const DAY = 86_400_000;

describe('what a CRM file may not do', () => {
  it('a row listing a number erased on request among its numbers imports nothing of that person (no new contact, no fields)', async () => {
    const t = scopedBackend(undefined, new TestClock(Date.parse('2026-03-02T09:00:00Z')));
    const { form } = await russianShop(t);
    const erased = '+79123456789';
    const other = '+79120000001';
    await grantPaper(t.call, erased, 'sms', form, { name: 'Анна Смирнова' });
    t.clock.advance(DAY);
    await t.call('contacts.erase', { phone: erased, reference: 'letter of 3 March' });
    t.clock.advance(DAY);
    // The old CRM file again: the row's first number is a new one, the erased number rides along as another number.
    const path = writeFile(t, 'crm.csv', 'Имя;Телефон;Email\nАнна Смирнова;+7 912 000-00-01, 8 912 345-67-89;anna@example.com\n');
    const s = await importFile(t, path, { dryRun: false });
    expect(s.warningGroups.map((g) => g.kind)).toContain('erased_on_request');
    await expect(t.call('contacts.get', { phone: other })).rejects.toThrow(/not in the register/);
    const kept = (await t.call('contacts.get', { phone: erased })).contact;
    expect([kept.name, kept.email, kept.otherPhones]).toEqual(['', null, []]);
  });

  it('an imported "pending" (awaiting confirmation) queues no confirmation request: the file proves nobody asked', async () => {
    const t = await scriptedShop({}, '2026-03-02T09:00:00Z');
    const phone = '+79123456789';
    const path = writeFile(
      t,
      'crm.csv',
      'Имя;Телефон;Согласие на смс;Дата согласия;Источник согласия\nАнна;8 912 345-67-89;ожидает подтверждения;2026-03-02T08:00:00Z;CRM\n',
    );
    await importFile(t, path, { dryRun: false });
    expect((await t.call('consent.status', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status).toBe(
      'pending',
    );
    await t.call('confirmations.send', { provider: 'gw', wait: true, maxWaitSeconds: 20 });
    expect(t.provider.recipients()).not.toContain(phone);
  });

  it('a row linking a new number to one that opted out: the preview counts the opt-outs the commit carries over', async () => {
    const t = scopedBackend(undefined, new TestClock(Date.parse('2026-03-02T09:00:00Z')));
    const { form } = await russianShop(t);
    const optedOut = '+79123456789';
    await grantPaper(t.call, optedOut, 'sms', form);
    await t.call('consent.record', { phone: optedOut, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    t.clock.advance(DAY);
    const path = writeFile(
      t,
      'crm.csv',
      'Имя;Телефон;Согласие на смс;Дата согласия;Источник согласия\nАнна;+7 912 000-00-01 / 8 912 345-67-89;да;2026-03-01;анкета\n',
    );
    const figures = (x: Awaited<ReturnType<typeof importFile>>) => ({
      created: x.created,
      updated: x.updated,
      unchanged: x.unchanged,
      granted: x.consentsGranted,
      revocations: x.revocations,
    });
    const preview = figures(await importFile(t, path, { dryRun: true }));
    const commit = figures(await importFile(t, path, { dryRun: false }));
    expect(preview).toEqual(commit);
    expect(commit.revocations).toBeGreaterThan(0);
    // The new number's consent from the file is dated before the opt-out it joins: the person stays withdrawn.
    const sms = (await t.call('consent.status', { phone: '+79120000001' })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(sms.status).toBe('revoked');
  });
});

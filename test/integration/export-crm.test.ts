import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { scopedBackend } from '../support/backend';
import { importFile, inspect, registerState, writeFile } from '../support/imports';

const setup = scopedBackend;
type T = ReturnType<typeof setup>;

/** A register with Cyrillic names, a paper consent, an opt-out, an unproven claim, a formula-like name and odd tags. */
async function seed(t: T, timezone = 'Europe/Moscow'): Promise<void> {
  await t.call('settings.update', { timezone });
  const form = await t.call('forms.create', {
    title: 'Акции',
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Я согласен получать рекламу от магазина по SMS и WhatsApp.',
  });
  const paper = { method: 'paper_form' as const, evidence: { formVersionId: form.id, sheetRef: 'S-0042' } };
  await t.call('contacts.add', { phone: '+79120000051', name: 'Семён Фёдоров', email: 'semen@example.ru', tags: ['постоянный', 'ёлка, шары'] });
  for (const purpose of ['personal_data', 'marketing'] as const)
    await t.call('consent.record', {
      phone: '+79120000051',
      channel: 'sms',
      purpose,
      action: 'grant',
      occurredAt: '2025-01-01T10:00:00.250Z',
      ...paper,
    });
  await t.call('consent.record', {
    phone: '+79120000052',
    name: 'Анна Петрова',
    channel: 'whatsapp',
    purpose: 'marketing',
    action: 'revoke',
    occurredAt: '2025-02-01T00:00:00Z',
  });
  await t.call('consent.record', {
    phone: '+79120000053',
    name: '=HYPERLINK("http://x","click")',
    channel: 'sms',
    purpose: 'marketing',
    action: 'claim',
    method: 'import',
    occurredAt: '2025-03-01T00:00:00Z',
  });
  await t.call('contacts.add', { phone: '+447400123401', name: 'Tom O’Brien', locale: 'en', tags: ['-minus', '@home'] });
}

function exported(t: T, fileId: string): Buffer {
  return readFileSync(t.backend.files.get(fileId).path);
}

describe('export for a CRM or for Excel', () => {
  it('for Excel (the default, as before): a BOM, machine column names, UTC times, and every formula-like value — a + phone too — behind a quote', async () => {
    const t = setup();
    await seed(t);
    const plain = await t.call('export.create', { what: 'contacts' });
    const excel = await t.call('export.create', { what: 'contacts', for: 'excel', language: 'ru' });
    const text = exported(t, excel.fileId).toString('utf8');
    // The old default is the Excel variant, whatever the UI language.
    expect(text).toBe(exported(t, plain.fileId).toString('utf8'));
    expect(text.startsWith('\uFEFFphone,name,email,')).toBe(true);
    expect(text).toContain("'+79120000051");
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(text).toContain('2025-01-01T10:00:00.250Z');
    expect(excel.name).toMatch(/^optin-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('for a Russian CRM: plain E.164 phones, «;», Russian column names and statuses, the shop’s local date-times, no BOM', async () => {
    const t = setup();
    await seed(t);
    const crm = await t.call('export.create', { what: 'contacts', for: 'crm', language: 'ru' });
    const bytes = exported(t, crm.fileId);
    expect(bytes[0]).not.toBe(0xef);
    const lines = bytes.toString('utf8').split('\r\n');
    const header = lines[0]!.split(';');
    expect(header.slice(0, 8)).toEqual(['Телефон', 'Полное имя', 'E-mail', 'Внешний ID', 'Теги', 'Язык', 'Страна', 'Другие телефоны']);
    expect(header).toContain('SMS реклама');
    expect(header).toContain('SMS реклама дата');
    expect(header).toContain('WhatsApp обработка ПДн источник');
    const row = lines.find((l) => l.startsWith('+79120000051;'))!.split(';');
    expect(row[1]).toBe('Семён Фёдоров');
    expect(row[header.indexOf('SMS реклама')]).toBe('согласие');
    // 10:00:00.250 UTC is 13:00:00.250 in Moscow; the milliseconds stay so the instant reads back exactly.
    expect(row[header.indexOf('SMS реклама дата')]).toBe('01.01.2025 13:00:00.250');
    expect(row[header.indexOf('SMS реклама источник')]).toBe('бумажная анкета, форма F1-1, лист S-0042');
    expect(row[header.indexOf('WhatsApp реклама')]).toBe('нет');
    const revoked = lines.find((l) => l.startsWith('+79120000052;'))!.split(';');
    expect(revoked[header.indexOf('WhatsApp реклама')]).toBe('отозвано');
    expect(revoked[header.indexOf('WhatsApp реклама дата')]).toBe('01.02.2025 03:00:00');
    // No phone carries a quote; a value that could run as a formula still does.
    expect(bytes.toString('utf8')).not.toMatch(/'\+\d/);
    expect(bytes.toString('utf8')).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(bytes.toString('utf8')).toContain("'-minus");
    expect(crm.name).toMatch(/^optin-contacts-crm-/);
  });

  it('for an English CRM: plain phones, commas, English column names a CRM reads, ISO times', async () => {
    const t = setup();
    await seed(t);
    const crm = await t.call('export.create', { what: 'contacts', for: 'crm', language: 'en' });
    const lines = exported(t, crm.fileId).toString('utf8').split('\r\n');
    expect(
      lines[0]!.startsWith(
        'Phone,Name,Email,External ID,Tags,Language,Country,Other phones,WhatsApp marketing,WhatsApp marketing since,WhatsApp marketing source',
      ),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith('+447400123401,Tom O’Brien,'))).toBe(true);
    expect(lines.join('\n')).toContain('2025-01-01T10:00:00.250Z');
  });

  it('the suppression list for a CRM is plain numbers under the column name in the person’s language', async () => {
    const t = setup();
    await seed(t);
    const sup = await t.call('export.create', { what: 'suppression', for: 'crm', language: 'ru' });
    expect(exported(t, sup.fileId).toString('utf8')).toBe('Телефон\r\n+79120000052\r\n');
  });

  it.each([
    ['excel', 'en'],
    ['excel', 'ru'],
    ['crm', 'en'],
    ['crm', 'ru'],
  ] as const)('round trip %s/%s: our import reads the file back into an empty register exactly', async (variant, language) => {
    const a = setup();
    await seed(a, 'Europe/London');
    const exp = await a.call('export.create', { what: 'contacts', for: variant, language });
    const b = setup();
    await b.call('settings.update', { timezone: 'Europe/London' });
    const path = writeFile(b, 'export.csv', exported(a, exp.fileId));
    const info = await inspect(b, path);
    expect(info.preset?.id).toBe(variant === 'crm' && language === 'ru' ? 'optin-desk-ru' : 'optin-desk');
    const s = await importFile(b, path, { dryRun: false });
    expect(s.rejected).toBe(0);
    expect(await registerState(b)).toEqual(await registerState(a));
  });

  it('round trip for a Russian CRM in Windows-1251 with a time in the hour a clock change makes twice', async () => {
    const a = setup();
    await a.call('settings.update', { timezone: 'Europe/London' });
    // 01:30 on 26 Oct 2025 happens twice in London (00:30 UTC in summer time, 01:30 UTC after the change): the one
    // the local time does not name by itself is written with its offset.
    for (const [phone, occurredAt] of [
      ['+447400123402', '2025-10-26T00:30:00Z'],
      ['+447400123403', '2025-10-26T01:30:00Z'],
    ] as const)
      await a.call('consent.record', { phone, name: 'Ёжик Тест', channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt });
    const exp = await a.call('export.create', { what: 'contacts', for: 'crm', language: 'ru', encoding: 'windows-1251' });
    const text = iconv.decode(exported(a, exp.fileId), 'windows-1251');
    expect(text).toContain('26.10.2025 01:30:00');
    expect(text).toMatch(/2025-10-26T01:30:00\.000\+0[01]:00/);
    const b = setup();
    await b.call('settings.update', { timezone: 'Europe/London' });
    const path = writeFile(b, 'export.csv', exported(a, exp.fileId));
    await importFile(b, path, { dryRun: false });
    expect(await registerState(b)).toEqual(await registerState(a));
  });
});

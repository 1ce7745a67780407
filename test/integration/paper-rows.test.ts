import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SheetsRepo } from '../../electron/core/db/repos/sheets.repo';
import { scopedBackend } from '../support/backend';
import { russianShop } from '../support/shop';

const DAY = 24 * 60 * 60 * 1000;

/** The Russian shop with the pack's own wording: its personal-data consent is printed as a document of its own. */
const SHOP = { settings: { businessAddress: 'Москва, ул. Ленина, 5' }, form: 'template' } as const;

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as { apiError: { code: string; message: string; details?: Record<string, unknown> } }).apiError;
  }
  throw new Error('expected a refusal');
};

/** A shop with a printed slip (S-000001, its personal-data document S-000002) and a group sheet (S-000003/S-000004). */
async function shop() {
  const t = scopedBackend();
  const { form } = await russianShop(t, SHOP);
  const slip = await t.call('forms.print', { formVersionId: form.id, copies: 1 });
  const group = await t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 10, copies: 1 });
  t.clock.advance(2 * DAY); // 2026-03-03
  return { t, form, slip: slip.serials[0]!, group: group.serials[0]! };
}

type T = Awaited<ReturnType<typeof shop>>['t'];
const cell = async (
  t: T,
  phone: string,
  channel: 'sms' | 'whatsapp' = 'sms',
  purpose: 'marketing' | 'personal_data' = 'marketing',
  knownAt?: string,
) =>
  (await t.call('consent.status', { phone, ...(knownAt ? { knownAt } : {}) })).consents.find((c) => c.channel === channel && c.purpose === purpose);

describe('printing: slips by default, the personal-data document recorded beside its sheet', () => {
  it('a slip is the default layout; each consent document has its personal-data document on the next serial', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, SHOP);
    const p = await t.call('forms.print', { formVersionId: form.id, copies: 2 });
    expect(p).toMatchObject({ serials: ['S-000001', 'S-000003'], personalDataSerials: ['S-000002', 'S-000004'], rowsPerSheet: 1, warnings: [] });
    const list = await t.call('sheets.list', {});
    expect(list.sheets.map((s) => [s.serial, s.layout, s.personalDataSerial])).toEqual([
      ['S-000003', 'slip', 'S-000004'],
      ['S-000001', 'slip', 'S-000002'],
    ]);
    // A group sheet prints with a warning: each customer sees the names and numbers written above theirs.
    const g = await t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 5, copies: 1 });
    expect(g).toMatchObject({ serials: ['S-000005'], personalDataSerials: ['S-000006'], warnings: ['group_shows_others'] });
  });

  it('without the ru pack nothing is paired and serials follow one another', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, {
      settings: { policyPack: 'uk', defaultCountry: 'GB', timezone: 'Europe/London' },
      form: { purposes: ['marketing'] },
    });
    const p = await t.call('forms.print', { formVersionId: form.id, copies: 2 });
    expect(p).toMatchObject({ serials: ['S-000001', 'S-000002'], personalDataSerials: [] });
    expect((await t.call('sheets.list', {})).sheets.every((s) => s.personalDataSerial === null)).toBe(true);
  });

  it('a row entered from a slip points its personal-data tick to the personal-data document; its serial opens the slip', async () => {
    const { t, slip } = await shop();
    const r = await t.call('sheets.enterRow', {
      serial: 'S-000002',
      row: 1,
      name: 'Анна',
      phone: '+79123456789',
      channels: ['sms'],
      signedOn: '2026-03-02',
    });
    expect(r).toMatchObject({ serial: slip, personalDataSerial: 'S-000002', writtenName: 'Анна' });
    expect(r.events.map((e) => [e.purpose, e.evidence.sheetRef])).toEqual([
      ['marketing', 'S-000001'],
      ['personal_data', 'S-000002'],
    ]);
    const row = (await t.call('sheets.get', { serial: slip })).rows[0];
    expect(row).toMatchObject({ writtenName: 'Анна', writtenPhone: '+79123456789', correction: null });
    // A slip is one customer: a second row does not fit.
    expect(
      (await refusal(t.call('sheets.enterRow', { serial: slip, row: 2, phone: '+79123456780', channels: ['sms'], signedOn: '2026-03-02' }))).message,
    ).toBe('row: sheet S-000001 has 1 row');
  });
});

describe('paper entry keeps what was written', () => {
  it('a number that belongs to someone with another name is refused until staff say it is the same person', async () => {
    const { t, group } = await shop();
    await t.call('sheets.enterRow', {
      serial: group,
      row: 1,
      name: 'Анна Смирнова',
      phone: '+79123456789',
      channels: ['sms'],
      signedOn: '2026-03-02',
    });
    const check = await t.call('sheets.checkPhone', { phone: '8 912 345-67-89', name: 'Борис Петров', serial: group });
    expect(check).toMatchObject({ ok: true, contact: { name: 'Анна Смирнова' }, nameDiffers: true });
    // The same name written differently (case, ё, order, initial) is no clash.
    expect((await t.call('sheets.checkPhone', { phone: '+79123456789', name: 'смирнова анна', serial: group })).nameDiffers).toBe(false);

    const row = { serial: group, row: 2, name: 'Борис Петров', phone: '+79123456789', channels: ['sms' as const], signedOn: '2026-03-02' };
    const clash = await refusal(t.call('sheets.enterRow', row));
    expect(clash).toMatchObject({ code: 'CONFLICT', details: { contactName: 'Анна Смирнова', writtenName: 'Борис Петров' } });
    expect(clash.message).toContain('+79123456789 belongs to Анна Смирнова, and row 2 says Борис Петров');
    expect((await t.call('sheets.get', { serial: group })).rows).toHaveLength(1);

    const same = await t.call('sheets.enterRow', { ...row, samePerson: true });
    // The contact keeps its name; the row keeps what was written.
    expect(same).toMatchObject({ name: 'Анна Смирнова', writtenName: 'Борис Петров', createdContact: false });
    expect((await t.call('sheets.get', { serial: group })).rows[1]).toMatchObject({ name: 'Анна Смирнова', writtenName: 'Борис Петров' });
    const audit = await t.call('audit.list', { limit: 5 });
    expect(audit.entries.find((e) => e.action === 'sheet.row_entered' && (e.details as { row?: number }).row === 2)?.details).toMatchObject({
      samePerson: { written: 'Борис Петров', contact: 'Анна Смирнова' },
    });
  });

  it('warns of an opt-out the row would meet, and says whether the row or the opt-out wins', async () => {
    const { t, group } = await shop();
    await t.call('consent.record', {
      phone: '+79123456789',
      name: 'Анна',
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'verbal_in_store',
    });
    t.clock.advance(DAY); // 2026-03-04 12:00 Moscow
    await t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'revoke' });
    t.clock.advance(3 * DAY); // 2026-03-07
    const base = {
      phone: '+79123456789',
      name: 'Анна',
      serial: group,
      channels: ['sms' as const],
      purposes: ['marketing' as const, 'personal_data' as const],
    };

    // Signed on the day of the opt-out (counted from the start of that day): the opt-out still wins.
    const before = await t.call('sheets.checkPhone', { ...base, signedOn: '2026-03-04' });
    expect(before.optedOut).toEqual([{ channel: 'sms', purpose: 'marketing', at: '2026-03-04T09:00:00.000Z', rowWins: false }]);
    // Signed the day after: the row gives the consent again.
    const after = await t.call('sheets.checkPhone', { ...base, signedOn: '2026-03-05' });
    expect(after.optedOut).toEqual([{ channel: 'sms', purpose: 'marketing', at: '2026-03-04T09:00:00.000Z', rowWins: true }]);

    // What the warning said is what saving does.
    await t.call('sheets.enterRow', { ...base, row: 1, signedOn: '2026-03-04' });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'revoked', sendable: false });
    await t.call('sheets.enterRow', { ...base, row: 2, signedOn: '2026-03-05' });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'granted', sendable: true });
  });

  it('under the ru pack warns when the row grants marketing without the personal-data consent', async () => {
    const { t, group } = await shop();
    const marketingOnly = { phone: '+79123456789', serial: group, channels: ['sms' as const], purposes: ['marketing' as const] };
    expect((await t.call('sheets.checkPhone', marketingOnly)).needsPersonalData).toBe(true);
    expect((await t.call('sheets.checkPhone', { ...marketingOnly, purposes: ['marketing', 'personal_data'] })).needsPersonalData).toBe(false);
    // The form's own purposes (both) when the row does not say.
    expect((await t.call('sheets.checkPhone', { phone: '+79123456789', serial: group })).needsPersonalData).toBe(false);
    // Once the personal-data consent is in force from elsewhere (another signed row), a marketing-only row is sendable.
    await t.call('sheets.enterRow', { ...marketingOnly, serial: 'S-000001', row: 1, purposes: ['personal_data'], signedOn: '2026-03-02' });
    expect((await t.call('sheets.checkPhone', marketingOnly)).needsPersonalData).toBe(false);
    // Under another pack there is no such consent to miss.
    await t.call('settings.update', { policyPack: 'uk' });
    expect((await t.call('sheets.checkPhone', { ...marketingOnly, phone: '+79123456700' })).needsPersonalData).toBe(false);
  });
});

describe('correcting and voiding a row', () => {
  const enter = (t: T, serial: string, row: number, phone: string, name = 'Анна') =>
    t.call('sheets.enterRow', { serial, row, name, phone, channels: ['sms'], signedOn: '2026-03-02' });

  it('a void retracts exactly what the row granted: the gate refuses it, a consent given elsewhere stands, --known-at still shows it', async () => {
    const { t, group } = await shop();
    await enter(t, group, 1, '+79123456789');
    // The same customer signed a slip too, for WhatsApp.
    await t.call('sheets.enterRow', {
      serial: 'S-000001',
      row: 1,
      name: 'Анна',
      phone: '+79123456789',
      channels: ['whatsapp'],
      signedOn: '2026-03-02',
    });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'granted', sendable: true });
    const beforeVoid = new Date(t.clock.now()).toISOString();
    t.clock.advance(60_000);

    const v = await t.call('sheets.correctRow', { serial: group, row: 1, action: 'void', reason: 'not signed by the customer' });
    expect(v).toMatchObject({ action: 'void', contactId: null });
    expect(v.events.map((e) => `${e.channel}/${e.purpose}/${e.action}`)).toEqual(['sms/marketing/retract', 'sms/personal_data/retract']);
    expect(await cell(t, '+79123456789')).toMatchObject({ sendable: false });
    expect(await cell(t, '+79123456789', 'whatsapp')).toMatchObject({ status: 'granted', sendable: true });
    expect(await cell(t, '+79123456789', 'sms', 'marketing', beforeVoid)).toMatchObject({ status: 'granted', sendable: true });

    const row = (await t.call('sheets.get', { serial: group })).rows[0];
    expect(row?.correction).toMatchObject({ kind: 'void', reason: 'not signed by the customer', by: 'Owner' });
    expect((await t.call('sheets.checkPhone', { phone: '+79123456789' })).onSheets).toEqual([{ serial: 'S-000001', row: 1 }]);
    const again = await refusal(t.call('sheets.correctRow', { serial: group, row: 1, action: 'void', reason: 'twice' }));
    expect(again).toMatchObject({ code: 'CONFLICT' });
    expect(again.message).toContain('was voided already');
    expect((await refusal(t.call('sheets.correctRow', { serial: group, row: 5, action: 'void', reason: 'never entered' }))).code).toBe('NOT_FOUND');
    expect((await refusal(t.call('sheets.correctRow', { serial: group, row: 1, action: 'void', reason: '' }))).code).toBe('VALIDATION_FAILED');
    const audit = await t.call('audit.list', { limit: 3 });
    expect(audit.entries.find((e) => e.action === 'sheet.row_voided')?.details).toMatchObject({ row: 1, reason: 'not signed by the customer' });
  });

  it('a corrected number moves the row’s consents, dated as the row, and a later opt-out of that number still wins', async () => {
    const { t, group } = await shop();
    await enter(t, group, 1, '+79123456780');
    t.clock.advance(60_000);
    const c = await t.call('sheets.correctRow', { serial: group, row: 1, action: 'correct', phone: '8 912 345-67-89', reason: 'last digit misread' });
    expect(c.events.map((e) => `${e.phone}/${e.purpose}/${e.action}`)).toEqual([
      '+79123456780/marketing/retract',
      '+79123456780/personal_data/retract',
      '+79123456789/marketing/grant',
      '+79123456789/personal_data/grant',
    ]);
    for (const e of c.events.filter((x) => x.action === 'grant')) {
      expect(e.occurredAt).toBe('2026-03-01T21:00:00.000Z');
      expect(e.evidence).toMatchObject({ row: 1 });
    }
    expect(await cell(t, '+79123456780')).toMatchObject({ sendable: false });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'granted', sendable: true });
    const row = (await t.call('sheets.get', { serial: group })).rows[0];
    expect(row).toMatchObject({
      contactId: c.contactId,
      writtenPhone: '+79123456780',
      correction: { kind: 'correct', writtenPhone: '8 912 345-67-89' },
    });
    expect((await t.call('sheets.checkPhone', { phone: '+79123456789' })).onSheets).toEqual([{ serial: group, row: 1 }]);
    expect((await t.call('sheets.checkPhone', { phone: '+79123456780' })).onSheets).toEqual([]);

    // Both contacts' pages list the row: the one it was entered for, and the one it was corrected to.
    for (const phone of ['+79123456780', '+79123456789']) {
      const contactId = (await t.call('consent.status', { phone })).consents.length ? (await t.call('sheets.checkPhone', { phone })).contact!.id : 0;
      const { rows } = await t.call('sheets.contactRows', { contactId });
      expect(rows, phone).toMatchObject([
        { serial: group, row: 1, phone: '+79123456789', correction: { kind: 'correct', reason: 'last digit misread' } },
      ]);
    }
    expect((await refusal(t.call('sheets.contactRows', { contactId: 999 }))).code).toBe('NOT_FOUND');

    await t.call('consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'revoke' });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'revoked', sendable: false });

    // Voiding the corrected row takes back what the correction granted.
    const v = await t.call('sheets.correctRow', { serial: group, row: 1, action: 'void', reason: 'wrong sheet' });
    expect(v.events.map((e) => `${e.phone}/${e.action}`)).toEqual(['+79123456789/retract', '+79123456789/retract']);
  });

  it('a name-only correction writes no consent event; an unusable number or nothing to correct is refused', async () => {
    const { t, group } = await shop();
    await enter(t, group, 1, '+79123456789', 'Ана');
    // The campaign proof cites what was written on the row, by the sheet's serial or its personal-data document's.
    const db = new Database(t.dbPath, { readonly: true });
    const written = (serial: string) => new SheetsRepo(db).writtenNameAt(serial, 1);
    expect([written(group), written('S-000004'), written('S-000099')]).toEqual(['Ана', 'Ана', null]);
    const c = await t.call('sheets.correctRow', { serial: group, row: 1, action: 'correct', name: 'Анна', reason: 'name misspelt' });
    expect(c.events).toEqual([]);
    expect(written(group)).toBe('Анна');
    db.close();
    expect((await t.call('sheets.get', { serial: group })).rows[0]?.correction).toMatchObject({ kind: 'correct', writtenName: 'Анна' });
    expect(await cell(t, '+79123456789')).toMatchObject({ status: 'granted', sendable: true });
    const nothing = await refusal(t.call('sheets.correctRow', { serial: group, row: 1, action: 'correct', reason: 'no change' }));
    expect(nothing.message).toBe('phone: give the number or the name as written on the sheet');
    const bad = await refusal(t.call('sheets.correctRow', { serial: group, row: 1, action: 'correct', phone: '12', reason: 'typo' }));
    expect(bad.code).toMatch(/VALIDATION_FAILED|INVALID_PHONE/);
  });
});

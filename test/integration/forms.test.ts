import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PolicyPackIds } from '../../shared/domain/policy/policy';
import { lintMessage } from '../../shared/domain/lint/engine';
import { scopedBackend } from '../support/backend';
import { russianShop } from '../support/shop';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The Russian shop with its address (the 152-FZ wording names it); its form is the pack's own Russian template. */
const SHOP = { settings: { businessAddress: 'Москва, ул. Ленина, 5' }, form: 'template' } as const;

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as { apiError: { code: string; message: string; details?: Record<string, unknown> } }).apiError;
  }
  throw new Error('expected a refusal');
};

describe('form templates', () => {
  it('every pack has wording in English and Russian naming the shop, what, how often and how to stop', async () => {
    const t = scopedBackend();
    await russianShop(t, { ...SHOP, form: null });
    for (const policyPack of PolicyPackIds)
      for (const language of ['en', 'ru'] as const) {
        const tpl = await t.call('forms.template', { language, policyPack });
        const where = `${policyPack}/${language}`;
        expect(tpl.body, where).toContain('Лавка у дома');
        expect(tpl.body, where).toMatch(/STOP|СТОП/);
        expect(tpl.body, where).toMatch(/SMS/);
        expect(tpl.body, where).toMatch(/WhatsApp/);
        expect(tpl.body, where).toContain('+7 912 000 00 00');
        if (policyPack === 'ru') {
          expect(tpl.purposes).toEqual(['marketing', 'personal_data']);
          // 152-FZ art. 9(4): purpose, data list, actions, validity, withdrawal, operator name and address — as its own item.
          expect(tpl.body, where).toMatch(/152-FZ|152-ФЗ/);
          expect(tpl.body, where).toMatch(/38-FZ|38-ФЗ/);
          expect(tpl.body.split('\n\n'), where).toHaveLength(4);
          expect(tpl.body, where).toContain('Москва, ул. Ленина, 5');
        } else expect(tpl.purposes).toEqual(['marketing']);
        if (policyPack === 'us') expect(tpl.body, where).toMatch(/not a condition of any purchase|не является условием покупки/);
        if (policyPack === 'de') expect(tpl.body, where).toMatch(/YES|ДА/);
      }
  });

  it('saving a template gives a version with a short code and the SHA-256 of its canonical text; an edit is a new version', async () => {
    const t = scopedBackend();
    const { form: v1 } = await russianShop(t, SHOP);
    expect(v1).toMatchObject({ code: 'F1-1', version: 1, title: 'Согласие на получение акций и новостей', language: 'ru' });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);
    const v2 = await t.call('forms.create', {
      formKey: v1.formKey,
      language: 'ru',
      channels: ['sms'],
      purposes: v1.purposes,
      body: v1.body + '\n\nДополнение.',
    });
    expect(v2).toMatchObject({ code: 'F1-2', version: 2 });
    expect(v2.sha256).not.toBe(v1.sha256);
    const all = await t.call('forms.list', {});
    expect(all.find((f) => f.id === v1.id)?.body).toBe(v1.body);
  });
});

describe('printed sheets', () => {
  it('records one serial per page, continues the numbering and marks the form as used', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, SHOP);
    const a = await t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 10, copies: 3, paper: 'a4' });
    // Under the ru pack each sheet is followed by its own personal-data document, on the next serial.
    expect(a.serials).toEqual(['S-000001', 'S-000003', 'S-000005']);
    expect(a.personalDataSerials).toEqual(['S-000002', 'S-000004', 'S-000006']);
    expect(a.warnings).toEqual(['group_shows_others']);
    expect(readFileSync(t.backend.files.get(a.fileId).path).subarray(0, 5).toString()).toBe('%PDF-');
    const b = await t.call('forms.print', { formVersionId: form.id, layout: 'individual', copies: 1, paper: 'letter', rows: 15 });
    expect(b).toMatchObject({ serials: ['S-000007'], personalDataSerials: ['S-000008'], printRun: 2, rowsPerSheet: 1, warnings: [] });
    const list = await t.call('sheets.list', {});
    // The list shows the documents staff enter from; each names its personal-data document.
    expect(list.total).toBe(4);
    expect(list.sheets[0]).toMatchObject({
      serial: 'S-000007',
      personalDataSerial: 'S-000008',
      layout: 'individual',
      rows: 1,
      paper: 'letter',
      enteredRows: 0,
      notReturned: false,
    });
    expect((await t.call('forms.list', {}))[0]?.firstUsedAt).not.toBeNull();
    // Two weeks on with nothing entered and no scan: flagged as possibly lost.
    t.clock.advance(15 * DAY);
    expect((await t.call('sheets.list', {})).sheets.every((s) => s.notReturned)).toBe(true);
  });

  it('refuses more rows than fit under the wording, naming how many do', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, SHOP);
    const e = await refusal(t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 40, copies: 1, paper: 'letter' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toMatch(/^rows: at most \d+ rows fit on Letter/);
    expect((await t.call('sheets.list', {})).total).toBe(0);
    expect((await refusal(t.call('forms.print', { formVersionId: 99, layout: 'group', rows: 10, copies: 1, paper: 'a4' }))).code).toBe('NOT_FOUND');
  });
});

describe('paper entry', () => {
  async function printed(policyPack: (typeof PolicyPackIds)[number] = 'ru') {
    const t = scopedBackend();
    const { form } = await russianShop(t, { ...SHOP, settings: { ...SHOP.settings, policyPack } });
    const sheet = await t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 12, copies: 2, paper: 'a4' });
    return { t, form, serial: sheet.serials[0] ?? '' };
  }

  it('a row becomes paper_form consents whose evidence names the form version, the sheet and the row', async () => {
    const { t, form, serial } = await printed();
    t.clock.advance(2 * DAY);
    const r = await t.call('sheets.enterRow', {
      serial,
      row: 1,
      name: 'Анна Смирнова',
      phone: '8 912 345-67-89',
      channels: ['sms', 'whatsapp'],
      signedOn: '2026-03-02',
    });
    expect(r).toMatchObject({ serial: 'S-000001', row: 1, phone: '+79123456789', name: 'Анна Смирнова', createdContact: true, downgraded: null });
    expect(r.events).toHaveLength(4);
    for (const e of r.events) {
      expect(e).toMatchObject({ action: 'grant', method: 'paper_form', formCode: form.code });
      // Each tick names the document it was made on: the personal-data consent is a document of its own.
      expect(e.evidence).toMatchObject({ formVersionId: form.id, sheetRef: e.purpose === 'personal_data' ? 'S-000002' : 'S-000001', row: 1 });
      // Dated by the day on the sheet, from its start in the shop's time zone.
      expect(e.occurredAt).toBe('2026-03-01T21:00:00.000Z');
    }
    const status = await t.call('consent.status', { phone: '+79123456789' });
    expect(status.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'granted', sendable: true });
    const sheet = await t.call('sheets.get', { serial: '1' });
    expect(sheet).toMatchObject({ nextRow: 2, rows: [{ row: 1, phone: '+79123456789', signedOn: '2026-03-02' }] });
    expect(sheet.sheet.enteredRows).toBe(1);
  });

  it('a sheet signed on the day it was printed is dated from the printing, not from midnight', async () => {
    const { t, serial } = await printed();
    const r = await t.call('sheets.enterRow', { serial, row: 2, phone: '+79123456780', channels: ['sms'], signedOn: '2026-03-01' });
    expect(r.events[0]?.occurredAt).toBe('2026-03-01T09:00:00.000Z');
  });

  it('flags a number already entered from another sheet, and refuses a row twice, outside the sheet, or a wrong date', async () => {
    const { t, serial } = await printed();
    t.clock.advance(DAY);
    await t.call('sheets.enterRow', { serial, row: 1, name: 'Анна', phone: '+79123456789', channels: ['sms'], signedOn: '2026-03-02' });
    const check = await t.call('sheets.checkPhone', { phone: '8 (912) 345-67-89' });
    expect(check).toMatchObject({ ok: true, phone: '+79123456789', contact: { name: 'Анна' }, onSheets: [{ serial: 'S-000001', row: 1 }] });
    expect(await t.call('sheets.checkPhone', { phone: '12' })).toMatchObject({ ok: false, problem: expect.any(String) });
    const again = await refusal(t.call('sheets.enterRow', { serial, row: 1, phone: '+79123456700', channels: ['sms'], signedOn: '2026-03-02' }));
    expect(again).toMatchObject({ code: 'CONFLICT' });
    expect(again.message).toContain('row 1 of S-000001 was entered already (Анна');
    const outside = await refusal(t.call('sheets.enterRow', { serial, row: 13, phone: '+79123456700', channels: ['sms'], signedOn: '2026-03-02' }));
    expect(outside.message).toBe('row: sheet S-000001 has 12 rows');
    const early = await refusal(t.call('sheets.enterRow', { serial, row: 2, phone: '+79123456700', channels: ['sms'], signedOn: '2026-02-27' }));
    expect(early.message).toMatch(/^signedOn: 2026-02-27 is before sheet S-000001 was printed \(2026-03-01\)/);
    const future = await refusal(t.call('sheets.enterRow', { serial, row: 2, phone: '+79123456700', channels: ['sms'], signedOn: '2026-03-09' }));
    expect(future.code).toBe('FUTURE_DATE');
    const unknown = await refusal(
      t.call('sheets.enterRow', { serial: 'S-000099', row: 1, phone: '+79123456700', channels: ['sms'], signedOn: '2026-03-02' }),
    );
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: 'serial: no sheet S-000099 was printed from this register' });
    const bad = await refusal(t.call('sheets.enterRow', { serial, row: 2, phone: '123', channels: ['sms'], signedOn: '2026-03-02' }));
    expect(bad.code).toBe('INVALID_PHONE');
    // Nothing was written by any refusal.
    expect((await t.call('sheets.get', { serial })).rows).toHaveLength(1);
  });

  it('reads a serial as staff type it or a hand scanner types the QR', async () => {
    const { t, form } = await printed();
    for (const typed of ['S-000003', 's3', '3', `${form.code} S-000003`, '000003'])
      expect((await t.call('sheets.get', { serial: typed })).sheet.serial, typed).toBe('S-000003');
    // The serial of a personal-data document opens the sheet it was printed with.
    expect((await t.call('sheets.get', { serial: 'S-000004' })).sheet.serial).toBe('S-000003');
  });

  it('keeps a scan under its SHA-256 and points later rows to it', async () => {
    const { t, serial } = await printed();
    const photo = join(t.dir, 'sheet-1.jpg');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]);
    writeFileSync(photo, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const a = await t.call('sheets.attachScan', { serial, fileId: t.backend.files.adopt(photo).id });
    expect(a).toMatchObject({ serial: 'S-000001', sha256: sha, mediaType: 'image/jpeg', duplicate: false });
    expect(existsSync(join(t.dir, 'scans', `${sha}.jpg`))).toBe(true);
    expect((await t.call('sheets.attachScan', { serial, fileId: t.backend.files.adopt(photo).id })).duplicate).toBe(true);
    const r = await t.call('sheets.enterRow', { serial, row: 3, phone: '+79123456781', channels: ['whatsapp'], signedOn: '2026-03-01' });
    expect(r.events[0]?.evidence).toMatchObject({ sheetRef: 'S-000001', row: 3, scanSha256: sha });
    const doc = join(t.dir, 'notes.docx');
    writeFileSync(doc, 'x');
    expect((await refusal(t.call('sheets.attachScan', { serial, fileId: t.backend.files.adopt(doc).id }))).code).toBe('UNREADABLE_FILE');
  });

  it('under a double opt-in pack a paper row is a pending request and queues one confirmation per channel', async () => {
    const { t, serial } = await printed('de');
    const r = await t.call('sheets.enterRow', {
      serial,
      row: 1,
      phone: '+79123456789',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing'],
      signedOn: '2026-03-01',
    });
    expect(r.downgraded?.to).toBe('request');
    const q = await t.call('confirmations.list', {});
    expect(q.confirmations.map((c) => `${c.channel}/${c.state}/${c.outcome}/${c.language}`).sort()).toEqual([
      'sms/queued/waiting/ru',
      'whatsapp/queued/waiting/ru',
    ]);
  });
});

describe('QR opt-in', () => {
  it('encodes a wa.me link with the keyword and form code, and an SMSTO: with the bare keyword', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, SHOP);
    const wa = await t.call('forms.qr', { formVersionId: form.id, kind: 'whatsapp', format: 'png' });
    expect(wa.payload.startsWith('https://wa.me/79120000000?text=')).toBe(true);
    expect(decodeURIComponent(wa.payload.split('text=')[1] ?? '')).toBe(`ПОДПИСАТЬСЯ ${form.code} «Лавка у дома»`);
    const sms = await t.call('forms.qr', { formVersionId: form.id, kind: 'sms', format: 'svg' });
    expect(sms.payload).toBe(`SMSTO:+79120000000:ПОДПИСАТЬСЯ ${form.code}`);
    expect(readFileSync(t.backend.files.get(sms.fileId).path, 'utf8')).toContain('<svg');
    // What the QR makes the customer send is read back as an opt-in with this form code.
    const inbound = await t.call('inbound.receive', { from: '+79123450000', channel: 'whatsapp', text: wa.text });
    expect(inbound).toMatchObject({ classified: 'opt_in', formCode: form.code });
    expect(inbound.events.map((e) => `${e.purpose}/${e.action}/${e.method}`).sort()).toEqual([
      'marketing/grant/qr_keyword',
      'personal_data/grant/qr_keyword',
    ]);
  });

  it('refuses without the shop number, or for a channel the form does not cover', async () => {
    const t = scopedBackend();
    await t.call('settings.update', { businessName: 'Shop', defaultCountry: 'GB', policyPack: 'uk' });
    const form = await t.call('forms.create', {
      language: 'en',
      channels: ['sms'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from Shop by SMS. Reply STOP to opt out.',
    });
    const e = await refusal(t.call('forms.qr', { formVersionId: form.id, kind: 'sms', format: 'png' }));
    expect(e.message).toMatch(/^settings: set the shop's phone number first/);
    await t.call('settings.update', { shopPhone: '+44 7911 123456' });
    expect((await refusal(t.call('forms.poster', { formVersionId: form.id, kind: 'whatsapp', paper: 'a5' }))).code).toBe('FORM_MISMATCH');
    const poster = await t.call('forms.poster', { formVersionId: form.id, kind: 'sms', paper: 'a5' });
    expect(poster.payload).toBe('SMSTO:+447911123456:START F1-1');
  });
});

describe('double opt-in confirmations', () => {
  async function germanShop() {
    const t = scopedBackend();
    await t.call('settings.update', {
      businessName: 'Laden am Eck',
      senderName: 'LadenEck',
      shopPhone: '+49 30 901820',
      defaultCountry: 'DE',
      timezone: 'Europe/Berlin',
      policyPack: 'de',
    });
    const tpl = await t.call('forms.template', { language: 'en' });
    const form = await t.call('forms.create', tpl);
    return { t, form };
  }

  it('an inbound opt-in is pending and queues a neutral confirmation that passes the linter', async () => {
    const { t, form } = await germanShop();
    const r = await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: `START ${form.code}` });
    expect(r.events.map((e) => e.action)).toEqual(['request']);
    const [c] = (await t.call('confirmations.list', {})).confirmations;
    expect(c).toMatchObject({ channel: 'sms', state: 'queued', outcome: 'waiting', language: 'en', formCode: form.code });
    expect(c?.text).toContain('Laden am Eck');
    const profile = await t.call('lint.profile', {});
    const lint = lintMessage({ text: c?.text ?? '', channel: 'sms', purpose: 'marketing', kind: 'doi_request' }, profile.profile, 'en');
    expect(lint.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // A second START while the first is still open does not queue a second message.
    await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: `START ${form.code}` });
    expect((await t.call('confirmations.list', {})).total).toBe(1);
  });

  it('YES confirms and cancels the queued message; STOP before it goes cancels it too', async () => {
    const { t, form } = await germanShop();
    await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: `START ${form.code}` });
    await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: 'yes' });
    await t.call('inbound.receive', { from: '+4915123456780', channel: 'sms', text: `START ${form.code}` });
    await t.call('inbound.receive', { from: '+4915123456780', channel: 'sms', text: 'Stop.' });
    const q = (await t.call('confirmations.list', {})).confirmations;
    expect(q.map((c) => `${c.phone} ${c.state}/${c.stateReason}/${c.outcome}`).sort()).toEqual([
      '+4915123456780 cancelled/opted_out/declined',
      '+4915123456789 cancelled/confirmed/confirmed',
    ]);
    const s = await t.call('consent.status', { phone: '+4915123456789' });
    expect(s.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ status: 'granted', sendable: true });
  });

  it('an unanswered request expires after the pack’s time and a late YES confirms nothing', async () => {
    const { t, form } = await germanShop();
    await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: `START ${form.code}` });
    t.clock.advance(49 * HOUR);
    expect((await t.call('confirmations.list', {})).confirmations[0]?.outcome).toBe('expired');
    const late = await t.call('inbound.receive', { from: '+4915123456789', channel: 'sms', text: 'YES' });
    expect(late.events).toEqual([]);
    expect(late.note).toBe('nothing pending to confirm on this channel');
  });
});

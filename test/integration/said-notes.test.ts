import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStoredSaid, readSaid } from '../../shared/contract/said';
import { noteText } from '../../electron/core/print/certificate';
import { scopedBackend } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import { pdfText } from '../support/pdf';
import { russianShop } from '../support/shop';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The rest of the notes the register writes and later shows a person (issue #14 point 6): a paper row's void and
 * correction, an import's undo, a provider's opt-out during a campaign, a win-back's request and its confirmation —
 * stored by key with their parameters (hashed like any evidence), said in Russian on a Russian certificate and CRM
 * file; a reply's note and a typed number's problem carried by key beside the English; notes stored in English
 * before keys are shown as written.
 */
describe('notes by key, the rest', () => {
  it('a voided and a corrected paper row carry keyed notes; the Russian certificate prints them in Russian', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, { settings: { businessAddress: 'Москва, ул. Ленина, 5' }, form: 'template' });
    const group = (await t.call('forms.print', { formVersionId: form.id, layout: 'group', rows: 10, copies: 1 })).serials[0]!;
    t.clock.advance(2 * DAY);
    for (const [row, phone] of [
      [1, '+79123456789'],
      [2, '+79123456780'],
    ] as const)
      await t.call('sheets.enterRow', { serial: group, row, name: 'Анна', phone, channels: ['sms'], signedOn: '2026-03-02' });
    t.clock.advance(60_000);

    const voided = await t.call('sheets.correctRow', { serial: group, row: 1, action: 'void', reason: 'подпись не клиента' });
    const note = voided.events[0]!.evidence.note!;
    expect(isStoredSaid(note)).toBe(true);
    expect(readSaid(note)).toEqual({
      key: 'note.rowVoided',
      params: { row: 1, serial: group, reason: 'подпись не клиента' },
      message: `row 1 of ${group} voided: подпись не клиента`,
    });
    expect(noteText(note, 'ru')).toBe(`строка 1 листа ${group} аннулирована: подпись не клиента`);

    const corrected = await t.call('sheets.correctRow', { serial: group, row: 2, action: 'correct', phone: '+79123456781', reason: 'цифра' });
    const [retract, grant] = [corrected.events.find((e) => e.action === 'retract')!, corrected.events.find((e) => e.action === 'grant')!];
    expect(readSaid(retract.evidence.note!)).toMatchObject({
      key: 'note.rowNumberCorrected',
      message: `row 2 of ${group}: number corrected — цифра`,
    });
    expect(readSaid(grant.evidence.note!)).toMatchObject({ key: 'note.rowCorrected', params: { row: 2, serial: group, reason: 'цифра' } });

    // The moved consent stands on the corrected row: its Russian certificate says why, in Russian.
    const ru = await t.call('contacts.certificate', { phone: '+79123456781', format: 'pdf', locale: 'ru' });
    const text = (await pdfText(t.backend.files.get(ru.fileId).path, { layout: true })).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain(`строка 2 листа ${group} исправлена: цифра`);
    expect(text).not.toMatch(/corrected|"key":/);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it("a typed number's problem comes by key; reply notes come by key beside the English", async () => {
    const t = scopedBackend();
    await russianShop(t, { form: null });
    const bad = await t.call('sheets.checkPhone', { phone: 'abc' });
    expect(bad).toMatchObject({
      ok: false,
      problem: 'not a phone number',
      problemSaid: { key: 'phone.not_a_number', message: 'not a phone number' },
    });
    expect((await t.call('sheets.checkPhone', { phone: '+79123456789' })).problemSaid).toBeNull();

    const noForm = await t.call('inbound.receive', { from: '+79123456789', channel: 'sms', text: 'START F9-9', providerId: 'm-1' });
    expect(noForm).toMatchObject({
      note: 'no consent wording with code F9-9; nothing recorded',
      noteSaid: { key: 'inbound.noForm', params: { code: 'F9-9' }, message: 'no consent wording with code F9-9; nothing recorded' },
    });
    const yes = await t.call('inbound.receive', { from: '+79123456789', channel: 'sms', text: 'YES' });
    expect(yes.noteSaid).toMatchObject({ key: 'inbound.nothingPending', message: 'nothing pending to confirm on this channel' });
    const again = await t.call('inbound.receive', { from: '+79123456789', channel: 'sms', text: 'START F9-9', providerId: 'm-1' });
    expect(again).toMatchObject({ duplicate: true, note: 'already received', noteSaid: { key: 'inbound.alreadyReceived' } });
    const stop = await t.call('inbound.receive', { from: '+79123456789', channel: 'sms', text: 'СТОП' });
    expect(stop).toMatchObject({ note: null, noteSaid: null });
  });

  it("an import's undo is noted by key; the Russian CRM file says a keyed note in Russian; old English notes stay as written", async () => {
    const t = scopedBackend();
    await russianShop(t, { form: 'template' });
    // Анна was in the register before the import (so the undo keeps her, with the retraction on her page).
    await t.call('contacts.add', { phone: '+79120000001', name: 'Анна' });
    const file = writeFile(t, 'клиенты.csv', 'Имя;Телефон;Согласие на SMS\nАнна;+79120000001;да\n');
    const summary = await importFile(t, file, { dryRun: false });
    await t.call('import.undo', { batch: summary.batch! });
    const anna = await t.call('contacts.get', { phone: '+79120000001' });
    const undone = anna.timeline.find((e) => e.action === 'retract')!;
    expect(readSaid(undone.evidence.note!)).toEqual({
      key: 'note.importUndone',
      params: { batch: summary.batch!, file: 'клиенты.csv' },
      message: `import ${summary.batch!} (клиенты.csv) undone`,
    });
    expect(noteText(undone.evidence.note!, 'ru')).toBe(`импорт ${summary.batch!} («клиенты.csv») отменён`);

    // A consent recorded by hand with only a note: the CRM file's proof column is the method and the note.
    await t.call('consent.record', {
      phone: '+79120000002',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      method: 'verbal_in_store',
      evidence: { note: '{"key":"note.batch","params":{"batch":7}}' },
    });
    const crm = await t.call('export.create', { what: 'contacts', for: 'crm', language: 'ru' });
    const csv = readFileSync(t.backend.files.get(crm.fileId).path, 'utf8');
    expect(csv).toContain('рассылка 7');
    expect(csv).not.toContain('"key"');

    // Notes written before keys, and staff's own words, are shown as written in any language.
    for (const old of ['batch 3', 'import 2 (a.csv) undone', 'row 1 of S-000005 voided: signed by someone else', 'signed at the till'])
      expect(noteText(old, 'ru')).toBe(old);
    expect(noteText('{"key":"note.batch","params":{"batch":3}}', 'en')).toBe('batch 3');
  });
});

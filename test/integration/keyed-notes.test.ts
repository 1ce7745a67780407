import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStoredSaid, readSaid } from '../../shared/contract/said';
import { noteText } from '../../electron/core/print/certificate';
import { scopedBackend } from './../support/backend';
import { importFile, writeFile } from '../support/imports';
import { pdfText } from '../support/pdf';
import { russianShop } from '../support/shop';

/**
 * The notes the register itself writes into a consent event's evidence (a paper row's «signed on», an import's
 * «claim from» and «do not contact») are stored by key, so the contact page, the proof of a message and the
 * certificate say them in the reader's language; the chain still verifies. Notes written before keys, and staff's own
 * notes, are shown as written.
 */
describe('notes the register writes, by key', () => {
  it('an import claim, an imported opt-out and a paper row carry keyed notes; the Russian certificate says them in Russian', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, { form: 'template' });
    const file = writeFile(t, 'клиенты.csv', 'Имя;Телефон;Согласие на SMS\nАнна;+79120000001;да\nБорис;+79120000002;отписан\n');
    const summary = await importFile(t, file, { dryRun: false });
    expect(summary).toMatchObject({ created: 2, claims: 1 });

    const anna = await t.call('contacts.get', { phone: '+79120000001' });
    const claim = anna.timeline.find((e) => e.action === 'claim')!;
    expect(isStoredSaid(claim.evidence.note!)).toBe(true);
    expect(readSaid(claim.evidence.note!)).toMatchObject({
      key: 'note.claimFrom',
      params: { file: 'клиенты.csv' },
      message: 'claim from клиенты.csv',
    });

    const slip = (await t.call('forms.print', { formVersionId: form.id, copies: 1 })).serials[0]!;
    await t.call('sheets.enterRow', { serial: slip, row: 1, name: 'Анна', phone: '+79120000001', channels: ['sms'], signedOn: '2026-03-01' });
    const paper = (await t.call('contacts.get', { phone: '+79120000001' })).timeline.find((e) => e.method === 'paper_form')!;
    expect(readSaid(paper.evidence.note!)).toMatchObject({ key: 'note.signedOn', params: { date: '2026-03-01' } });

    // The opt-out in the file is kept with the same keyed note (no source column).
    const boris = await t.call('contacts.get', { phone: '+79120000002' });
    const stop = boris.timeline.find((e) => e.action === 'revoke')!;
    expect(readSaid(stop.evidence.note!).key).toBe('note.claimFrom');

    // The words in each language, and a staff member's own note left as written.
    expect(noteText(claim.evidence.note!, 'ru')).toBe('заявление без доказательства из файла «клиенты.csv»');
    expect(noteText(claim.evidence.note!, 'en')).toBe('claim from клиенты.csv');
    expect(noteText(paper.evidence.note!, 'ru')).toBe('подписано 2026-03-01');
    expect(noteText('signed at the till', 'ru')).toBe('signed at the till');

    // Борис's opt-out from the file is what his status stands on: the certificate prints its note.
    const ru = await t.call('contacts.certificate', { phone: '+79120000002', format: 'pdf', locale: 'ru' });
    const text = (await pdfText(t.backend.files.get(ru.fileId).path, { layout: true })).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('заявление без доказательства из файла «клиенты.csv»');
    expect(text).not.toMatch(/claim from|signed on|"key":/);
    const jsonld = readFileSync(
      t.backend.files.get((await t.call('contacts.certificate', { phone: '+79120000002', format: 'jsonld' })).fileId).path,
      'utf8',
    );
    expect(jsonld).toContain('"optin:note": "claim from клиенты.csv"');
    expect(jsonld).not.toContain('\\"key\\"');

    // The chain holds the keyed notes like any other evidence.
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });
});

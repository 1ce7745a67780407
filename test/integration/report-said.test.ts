import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { ref, storeSaid } from '../../shared/contract/said';
import { saidIn, storedText } from '../../electron/core/print/said';
import { scopedBackend } from '../support/backend';
import { pdfText } from '../support/pdf';
import { russianShop } from '../support/shop';

const TEXT = 'Лавка у дома: скидка 10% на выпечку. Отписаться: СТОП';

/**
 * A campaign report made in Russian says what the register stored by key in Russian (issue #14 point 6): a
 * recipient given up after retries, a pause, the note a proof stands on; the English report says the same in English;
 * a reason stored in English before keys is printed as it was, a reason code is still named by the report's labels.
 */
describe('the campaign report in its own language', () => {
  it('a Russian PDF and CSV print keyed reasons, the pause and a proof note in Russian; the English ones in English', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, { form: {} });
    const proof = async (phone: string, name: string) => {
      let id = 0;
      for (const purpose of ['marketing', 'personal_data'] as const) {
        const out = await t.call('consent.record', {
          phone,
          name,
          channel: 'sms',
          purpose,
          action: 'grant',
          method: 'paper_form',
          evidence: { formVersionId: form.id, sheetRef: 'S-000041', note: storeSaid('note.signedOn', { date: '2026-03-01' }) },
        });
        if (purpose === 'marketing') id = out.events[0]!.id;
      }
      return id;
    };
    const anna = await proof('+79120000001', 'Анна');
    const boris = await proof('+79120000002', 'Борис');
    t.clock.advance(60 * 60 * 1000);
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, name: 'Весна' });
    const { ctx } = t.backend;
    const at = t.clock.now();
    ctx.db.transaction(() => {
      ctx.outbox.insertRun({
        batchId: plan.batch,
        providers: { sms: 'gw' },
        template: null,
        fallbackAfterMs: null,
        startedAt: at,
        startedBy: 'owner',
      });
      ctx.outbox.setBatchState(plan.batch, 'sending');
      const fail = (contact: string, proofEventId: number, reason: string) => {
        const rid = ctx.outbox.enqueue({
          batchId: plan.batch,
          contactId: ctx.contacts.getByPhone(contact)!.id,
          step: 0,
          channel: 'sms',
          phone: contact,
          dueAt: at,
          at,
        })!;
        ctx.outbox.update(rid, { status: 'sending', proofEventId, text: TEXT, provider: 'gw', attempts: 1, sendingAt: at }, at, null);
        ctx.outbox.update(rid, { status: 'failed', reason, attempts: 10 }, at + 2000, null);
      };
      fail('+79120000001', anna, storeSaid('outbox.gaveUp', { code: 'HTTP_500', count: 10 }));
      // Written by an older version, in English: printed as it is.
      fail('+79120000002', boris, 'HTTP_500: gave up after 3 attempts');
      ctx.outbox.updateRun(plan.batch, {
        pausedReason: storeSaid('outbox.providerPaused', { provider: 'gw', code: 'HTTP_401', answer: ref('answer.webhookToken') }),
        pausedAt: at + 3000,
      });
    })();

    const pdf = async (locale: 'en' | 'ru') => {
      const out = await t.call('campaign.report', { batch: plan.batch, format: 'pdf', locale });
      return (await pdfText(t.backend.files.get(out.fileId).path, { layout: true })).join('\n').replace(/\s+/g, ' ');
    };
    const ru = await pdf('ru');
    // (the recipients' table wraps a long reason: its words are checked in pieces)
    expect(ru).toContain('HTTP_500: попыток было 10, больше');
    expect(ru).toContain('HTTP_500: gave up after 3 attempts');
    expect(ru).toContain('Приостановлена');
    expect(ru).toContain('HTTP_401: вебхук не принял токен');
    expect(ru).not.toContain('webhook refused');
    expect(ru).not.toContain('gave up after 10');
    expect(ru).not.toContain('"key"');
    const en = await pdf('en');
    expect(en).toContain('HTTP_500: gave up after 10 attempts');
    expect(en).toContain('gw answered HTTP_401: the');

    const csv = async (locale: 'en' | 'ru') => {
      const out = await t.call('campaign.report', { batch: plan.batch, format: 'csv', locale });
      const text = readFileSync(t.backend.files.get(out.fileId).path, 'utf8').replace(/^\uFEFF/, '');
      const [header, ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
      return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
    };
    const ruRows = await csv('ru');
    expect(ruRows.map((r) => r['Причина'])).toEqual(['HTTP_500: попыток было 10, больше не повторяем', 'HTTP_500: gave up after 3 attempts']);
    expect(Object.values(ruRows[0]!)).toContain('подписано 2026-03-01');
    const enRows = await csv('en');
    expect(enRows.map((r) => r['Reason'])).toEqual(['HTTP_500: gave up after 10 attempts', 'HTTP_500: gave up after 3 attempts']);
    expect(Object.values(enRows[0]!)).toContain('signed on 2026-03-01');
  });

  it('words a key in Russian with its plural form and nested messages; a plain text stays as written', () => {
    expect(saidIn('ru', 'sheets.tooFewRows', { serial: 'S-1', count: 1 })).toBe('на листе S-1 1 строка');
    expect(saidIn('ru', 'sheets.tooFewRows', { serial: 'S-1', count: 3 })).toBe('на листе S-1 3 строки');
    expect(saidIn('ru', 'sheets.tooFewRows', { serial: 'S-1', count: 5 })).toBe('на листе S-1 5 строк');
    expect(saidIn('en', 'sheets.tooFewRows', { serial: 'S-1', count: 5 })).toBe('sheet S-1 has 5 rows');
    expect(storedText(storeSaid('note.claimFrom', { file: 'a.csv' }), 'ru')).toBe('заявление без доказательства из файла «a.csv»');
    expect(storedText(storeSaid('note.claimFrom', { file: 'a.csv' }), 'en')).toBe('claim from a.csv');
    expect(storedText('sent before the change', 'ru')).toBe('sent before the change');
    expect(storedText('{"key":"no.such"}', 'ru')).toBe('{"key":"no.such"}');
  });
});

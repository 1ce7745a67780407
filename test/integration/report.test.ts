import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { PNG } from 'pngjs';
import { api } from '../../shared/contract/api';
import { unneutralizeCell } from '../../shared/domain/csv/values';
import { createBatchReport } from '../../electron/core/sending/report';
import { scopedBackend, type Caller } from '../support/backend';
import { pdfInfo, pdfText, renderPage, sizeText } from '../support/pdf';
import { russianShop } from '../support/shop';

/** Renders kept for review (test-results/ is gitignored). */
const RENDERS = fileURLToPath(new URL('../../test-results/renders/', import.meta.url));

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The text of each page in layout order, whitespace normalised. */
async function pageTexts(file: string): Promise<string[]> {
  return (await pdfText(file, { layout: true })).map(normalise);
}

async function pageSizes(file: string): Promise<string[]> {
  return (await pdfInfo(file)).sizes.map(sizeText);
}

/** Keeps page `page` as test-results/renders/<name>.png. */
async function keepRender(file: string, name: string, page = 1): Promise<void> {
  const image = await renderPage(file, page, 110);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  mkdirSync(RENDERS, { recursive: true });
  writeFileSync(join(RENDERS, `${name}.png`), PNG.sync.write(png));
}

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const ANNA = 'Анна Владимировна Сергеева-Прокофьева из соседнего дома у пекарни';
const EVIL = '=HYPERLINK("http://evil.example","click")';

/** The Russian shop with its address (the report's first page names it) and its paper form. */
async function shop(call: Caller) {
  const { form } = await russianShop({ call }, { settings: { businessAddress: 'г. Пермь, ул. Ленина, д. 5' } });
  return form;
}

/** Marketing and personal-data consent on one channel; returns the marketing event (the proof a message goes under). */
async function consent(
  call: Caller,
  phone: string,
  name: string,
  channel: 'sms' | 'whatsapp',
  method: 'paper_form' | 'qr_keyword' | 'inbound_keyword',
  evidence: Record<string, unknown>,
) {
  let proof: { id: number; uid: string; hash: string } | undefined;
  for (const purpose of ['marketing', 'personal_data'] as const) {
    const out = await call('consent.record', { phone, name, channel, purpose, action: 'grant', method, evidence });
    expect(out.downgraded).toBeNull();
    if (purpose === 'marketing') proof = out.events[0];
  }
  return proof!;
}

/**
 * A register with four contacts and a sent cascade: Anna (Cyrillic, paper form, WhatsApp delivered), a name
 * that is a spreadsheet formula (keyword consents, WhatsApp not delivered so the SMS fallback went), John
 * (no consent, skipped) and Maria (SMS failed). Outbox rows are written through the repo.
 */
async function sentBatch() {
  const t = scopedBackend();
  const form = await shop(t.call);
  const anna = await consent(t.call, '+79120000001', ANNA, 'whatsapp', 'paper_form', { formVersionId: form.id, sheetRef: 'S-000041' });
  const evilWa = await consent(t.call, '+79120000002', EVIL, 'whatsapp', 'qr_keyword', { inboundMessageId: 'wamid.IN-QR-0002' });
  const evilSms = await consent(t.call, '+79120000002', EVIL, 'sms', 'inbound_keyword', { inboundMessageId: 'SM-IN-0002' });
  await t.call('contacts.add', { phone: '+79120000003', name: 'John Smith' });
  const maria = await consent(t.call, '+79120000004', 'Мария', 'sms', 'paper_form', { formVersionId: form.id, sheetRef: 'S-000042' });
  t.clock.advance(60 * 60 * 1000);
  const plan = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text: TEXT, name: 'Весенняя распродажа' });
  expect(plan).toMatchObject({ audience: 4, eligible: 3, excluded: { no_consent: 1 } });

  const { ctx } = t.backend;
  const id = (phone: string) => ctx.contacts.getByPhone(phone)!.id;
  const start = t.clock.now();
  const handOff = (
    contactId: number,
    phone: string,
    step: 0 | 1,
    channel: 'sms' | 'whatsapp',
    proofEventId: number,
    messageId: string,
    at: number,
    end?: { status: 'delivered' | 'failed'; reason?: string },
  ) => {
    const rid = ctx.outbox.enqueue({ batchId: plan.batch, contactId, step, channel, phone, dueAt: at, at })!;
    ctx.outbox.update(rid, { status: 'sending', proofEventId, text: TEXT, provider: `fake-${channel}`, attempts: 1, sendingAt: at }, at, null);
    if (end?.status === 'failed') {
      ctx.outbox.update(rid, { status: 'failed', reason: end.reason ?? null, attempts: 3 }, at + 2000, null);
      return;
    }
    ctx.outbox.update(rid, { status: 'sent', providerMessageId: messageId, handedOffAt: at + 1000 }, at + 1000, null);
    if (end) ctx.outbox.update(rid, { status: end.status }, at + 60_000, null);
  };
  ctx.db.transaction(() => {
    ctx.outbox.insertRun({
      batchId: plan.batch,
      providers: { whatsapp: 'wa-cloud', sms: 'smsru' },
      template: null,
      fallbackAfterMs: 60 * 60 * 1000,
      startedAt: start,
      startedBy: 'owner',
    });
    ctx.outbox.setBatchState(plan.batch, 'sending');
    handOff(id('+79120000001'), '+79120000001', 0, 'whatsapp', anna.id, 'wamid.HBgLNzkxMjAwMDAwMDEVAgARGBI5QTNDRTM3NzY1QjE2QzU2AA==', start, {
      status: 'delivered',
    });
    handOff(id('+79120000002'), '+79120000002', 0, 'whatsapp', evilWa.id, 'wamid.HBgLNzkxMjAwMDAwMDIVAgARGBJBQkNERUYwMTIzNDU2Nzg5AA==', start);
    handOff(id('+79120000002'), '+79120000002', 1, 'sms', evilSms.id, 'SM5f0e3c2d1b0a99887766554433221100', start + 3_600_000, {
      status: 'delivered',
    });
    ctx.outbox.enqueueSkipped({
      batchId: plan.batch,
      contactId: id('+79120000003'),
      channel: 'whatsapp',
      phone: '+79120000003',
      reason: 'no_consent',
      at: start,
    });
    handOff(id('+79120000004'), '+79120000004', 0, 'sms', maria.id, '', start, {
      status: 'failed',
      reason: 'invalid_number: 21211 the To number is not valid',
    });
    ctx.outbox.updateRun(plan.batch, { finishedAt: start + 4_000_000 });
    ctx.outbox.setBatchState(plan.batch, 'done');
  })();
  t.clock.advance(2 * 60 * 60 * 1000);
  return { t, form, plan, proofs: { anna, evilWa, evilSms, maria } };
}

/** campaign.report through the dispatcher (which checks the output against the contract), and the file it made. */
async function report(t: ReturnType<typeof scopedBackend>, batch: number, format: 'pdf' | 'csv', locale: 'en' | 'ru') {
  const out = await t.call('campaign.report', { batch, format, locale });
  const file = t.backend.files.get(out.fileId);
  expect(file.bytes).toBe(out.bytes);
  return { out, path: file.path };
}

function parseCsv(path: string): { bom: boolean; rows: string[][] } {
  const bytes = readFileSync(path);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const parsed = Papa.parse<string[]>(bytes.subarray(bom ? 3 : 0).toString('utf8'), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { bom, rows: parsed.data };
}

describe('batch report', () => {
  it('CSV: one row per recipient step with the consent it went under, UTF-8 with BOM, safe to open in a spreadsheet', async () => {
    const { t, form, plan, proofs } = await sentBatch();
    const { out, path } = await report(t, plan.batch, 'csv', 'en');
    expect(out).toMatchObject({ recipients: 5, name: expect.stringMatching(new RegExp(`^optin-batch-${plan.batch}-report-2026-03-01\\.csv$`)) });
    const { bom, rows } = parseCsv(path);
    expect(bom).toBe(true);
    const [header, ...data] = rows;
    expect(header).toEqual([
      'Batch',
      'Contact ID',
      'Name',
      'Phone',
      'Step',
      'Path',
      'Channel',
      'Status',
      'Reason',
      'Provider',
      'Provider message ID',
      'Attempts',
      'Handed off at (UTC)',
      'Status at (UTC)',
      'Consent event ID',
      'Consent UID',
      'Consent method',
      'Consent given at (UTC)',
      'Consent recorded at (UTC)',
      'Consent recorded by',
      'Form code',
      'Form fingerprint (SHA-256)',
      'Sheet serial',
      'Name as written on the sheet',
      'Inbound message ID',
      'Consent source',
      'Consent event hash',
      'Opted out after hand-off at (UTC)',
      'Message text as sent',
    ]);
    expect(data).toHaveLength(5);
    for (const row of data) expect(row).toHaveLength(header!.length);
    const rec = data.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));

    // Anna: Cyrillic intact, the paper form and its sheet, the proof's uid and hash as recorded.
    expect(rec[0]).toMatchObject({
      Batch: String(plan.batch),
      Name: ANNA,
      Step: '1',
      Path: 'whatsapp',
      Channel: 'whatsapp',
      Status: 'delivered',
      Provider: 'fake-whatsapp',
      'Provider message ID': 'wamid.HBgLNzkxMjAwMDAwMDEVAgARGBI5QTNDRTM3NzY1QjE2QzU2AA==',
      Attempts: '1',
      'Handed off at (UTC)': '2026-03-01T10:00:01.000Z',
      'Consent event ID': String(proofs.anna.id),
      'Consent UID': proofs.anna.uid,
      'Consent method': 'paper_form',
      'Consent given at (UTC)': '2026-03-01T09:00:00.000Z',
      'Consent recorded by': 'Owner',
      'Form code': form.code,
      'Form fingerprint (SHA-256)': form.sha256,
      'Sheet serial': 'S-000041',
      'Inbound message ID': '',
      'Consent event hash': proofs.anna.hash,
      'Opted out after hand-off at (UTC)': '',
      'Message text as sent': TEXT,
    });
    // Phones start with "+": neutralised like every other cell, and read back by our own import.
    expect(rec[0]!.Phone).toBe("'+79120000001");
    expect(unneutralizeCell(rec[0]!.Phone!)).toBe('+79120000001');

    // The formula-shaped name is neutralised; the cascade shows both steps and each step's own proof.
    expect(rec[1]).toMatchObject({ Name: `'${EVIL}`, Step: '1', Path: 'whatsapp → sms', Channel: 'whatsapp', Status: 'sent' });
    expect(rec[1]!['Inbound message ID']).toBe('wamid.IN-QR-0002');
    expect(rec[1]!['Consent method']).toBe('qr_keyword');
    expect(rec[2]).toMatchObject({
      Name: `'${EVIL}`,
      Step: '2',
      Path: 'whatsapp → sms',
      Channel: 'sms',
      Status: 'delivered',
      'Consent event ID': String(proofs.evilSms.id),
      'Consent method': 'inbound_keyword',
      'Inbound message ID': 'SM-IN-0002',
      'Handed off at (UTC)': '2026-03-01T11:00:01.000Z',
    });
    // Skipped: no proof, no text, the reason.
    expect(rec[3]).toMatchObject({ Name: 'John Smith', Status: 'skipped', Reason: 'no_consent', 'Consent event ID': '', 'Message text as sent': '' });
    expect(rec[4]).toMatchObject({ Name: 'Мария', Status: 'failed', Reason: 'invalid_number: 21211 the To number is not valid', Attempts: '3' });
    expect(rec[4]!['Handed off at (UTC)']).toBe('');
    // Nothing in the file could run as a formula.
    for (const row of data) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);

    // Russian headers, same order and rows.
    const ru = parseCsv((await report(t, plan.batch, 'csv', 'ru')).path);
    expect(ru.bom).toBe(true);
    expect(ru.rows[0]!.slice(0, 4)).toEqual(['Рассылка', 'ID контакта', 'Имя', 'Телефон']);
    expect(ru.rows.slice(1)).toEqual(data);
  });

  it('PDF: the plan, the outcome and every recipient with their consent, in English and Russian, with the register fingerprint', async () => {
    const { t, form, plan } = await sentBatch();
    const audit = t.backend.ctx.audit.lastLink()!;
    for (const locale of ['en', 'ru'] as const) {
      const { out, path } = await report(t, plan.batch, 'pdf', locale);
      expect(out.recipients).toBe(5);
      expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
      const sizes = await pageSizes(path);
      expect(sizes.every((s) => s === '841.89 x 595.28')).toBe(true);
      const pages = await pageTexts(path);
      expect(pages).toHaveLength(sizes.length);
      const all = pages.join(' ');
      const word =
        locale === 'en'
          ? { page: 'Page', paper: 'Paper form', qr: 'QR keyword', inbound: 'Inbound keyword' }
          : { page: 'Стр.', paper: 'Бумажная анкета', qr: 'QR и ключевое слово', inbound: 'Входящее сообщение' };
      expect(pages[0]).toContain('Лавка у дома');
      expect(pages[0]).toContain('г. Пермь, ул. Ленина, д. 5');
      expect(pages[0]).toContain('Весенняя распродажа');
      expect(pages[0]).toContain(TEXT.slice(0, 40));
      expect(pages[0]).toContain(locale === 'en' ? 'Campaign report' : 'Отчёт о рассылке');
      expect(all).toContain(audit.hash.slice(0, 16));
      // Both heads, to type into Settings → Register integrity → Check a report (the answer gives the head too).
      const consent = t.backend.ctx.consent.lastLink()!;
      expect(pages[0]).toContain(`events:${consent.id}:${consent.hash.slice(0, 16)} audit:${audit.id}:${audit.hash.slice(0, 16)}`);
      expect(pages[0]).not.toContain('optin audit verify');
      expect(out.head).toBe(`events:${consent.id}:${consent.hash},audit:${audit.id}:${audit.hash}`);
      for (const phone of ['+79120000001', '+79120000002', '+79120000003', '+79120000004']) expect(all).toContain(phone);
      for (const w of [word.paper, word.qr, word.inbound]) expect(all).toContain(w);
      expect(all).toContain(form.code);
      expect(all).toContain(form.sha256.slice(0, 12));
      expect(all).toContain('S-000041');
      expect(all).toContain('SM-IN-0002');
      expect(all).toContain('Анна Владимировна');
      expect(all).toContain('John Smith');
      expect(all).toContain('+03:00');
      pages.forEach((text, i) => expect(text).toContain(`${word.page} ${i + 1}/${pages.length}`));
      await keepRender(path, `batch-report-${locale}`);
      if (pages.length > 1) await keepRender(path, `batch-report-${locale}-last`, pages.length);
    }
  });

  it('PDF: the table header and the footer repeat on every page of a long batch', async () => {
    const t = scopedBackend();
    const form = await shop(t.call);
    const { ctx } = t.backend;
    const proofs: { id: number; phone: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const phone = `+7912100${String(i).padStart(4, '0')}`;
      const p = await consent(
        t.call,
        phone,
        i % 7 === 0 ? `Клиент номер ${i} с очень длинным именем и отчеством` : `Customer ${i}`,
        'sms',
        'paper_form',
        {
          formVersionId: form.id,
          sheetRef: `S-${String(100 + i).padStart(6, '0')}`,
        },
      );
      proofs.push({ id: p.id, phone });
    }
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    const at = t.clock.now();
    ctx.db.transaction(() => {
      ctx.outbox.insertRun({
        batchId: plan.batch,
        providers: { sms: 'smsru' },
        template: null,
        fallbackAfterMs: null,
        startedAt: at,
        startedBy: 'owner',
      });
      for (const p of proofs) {
        const rid = ctx.outbox.enqueue({
          batchId: plan.batch,
          contactId: ctx.contacts.getByPhone(p.phone)!.id,
          step: 0,
          channel: 'sms',
          phone: p.phone,
          dueAt: at,
          at,
        })!;
        ctx.outbox.update(rid, { status: 'sending', proofEventId: p.id, text: TEXT, provider: 'smsru', attempts: 1, sendingAt: at }, at, null);
        ctx.outbox.update(rid, { status: 'sent', providerMessageId: `202603-${rid}-${'7'.repeat(20)}`, handedOffAt: at }, at, null);
      }
    })();
    const { out, path } = await report(t, plan.batch, 'pdf', 'en');
    expect(out.recipients).toBe(60);
    const pages = await pageTexts(path);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1}/${pages.length}`);
      expect(text).toContain(`Register fingerprint: ${ctx.audit.lastLink()!.hash.slice(0, 20)}`);
      if (i > 0) expect(text).toMatch(/No\. Name Phone Channel Status/);
    });
    for (const p of proofs) expect(pages.join(' ')).toContain(p.phone);
    await keepRender(path, 'batch-report-en-page-2', 2);
  });

  it('a batch never sent: the plan, and a plain statement that nothing went', async () => {
    const t = scopedBackend();
    const form = await shop(t.call);
    await consent(t.call, '+79120000001', 'Анна', 'sms', 'paper_form', { formVersionId: form.id, sheetRef: 'S-000001' });
    await t.call('contacts.add', { phone: '+79120000002', name: 'Борис' });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT, tags: [] });
    const pdf = await report(t, plan.batch, 'pdf', 'ru');
    expect(pdf.out.recipients).toBe(0);
    const pages = await pageTexts(pdf.path);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Ничего не отправлено');
    expect(pages[0]).toContain('Стр. 1/1');
    await keepRender(pdf.path, 'batch-report-ru-not-sent');
    const csv = await report(t, plan.batch, 'csv', 'en');
    expect(csv.out.recipients).toBe(0);
    expect(parseCsv(csv.path).rows).toHaveLength(1);
    await expect(t.call('campaign.report', { batch: 999, format: 'pdf', locale: 'en' })).rejects.toMatchObject({ apiError: { code: 'NOT_FOUND' } });
    // The service itself, as the CLI and the host reach it through the same dispatcher.
    const direct = await createBatchReport(t.backend.ctx, t.backend.files, { batch: plan.batch, format: 'csv', locale: 'ru' });
    api['campaign.report'].output.parse(direct);
  });

  it('a long message runs across the page in full, and a failed message check says why', async () => {
    const t = scopedBackend();
    await shop(t.call);
    const paragraph = 'Свежая выпечка каждое утро: круассаны, булочки с корицей, хлеб на закваске и пироги с яблоками.';
    const last = 'Последняя строка длинного сообщения.';
    const text = [...Array.from({ length: 12 }, (_, i) => `${i + 1}. ${paragraph}`), last].join('\n');
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text });
    expect(plan.lint.ok).toBe(false);
    const { path } = await report(t, plan.batch, 'pdf', 'en');
    const all = (await pageTexts(path)).join(' ');
    expect(all).toContain(last);
    expect(all).toContain('12. Свежая выпечка');
    expect(all).toContain('Why the message check failed');
    for (const e of plan.lint.errors) expect(all).toContain(e.rule);
    await keepRender(path, 'batch-report-en-long-message');
    await keepRender(path, 'batch-report-en-long-message-2', 2);
  });
});

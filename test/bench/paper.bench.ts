/**
 * Paper benchmark (issue #5): printing sheets and typing them in must never be what keeps staff waiting.
 * Figures, each beside a floor measured in the same run:
 * - rendering a 15-row group sheet with the full Russian wording (per page), beside an empty pdfkit page with
 *   the same embedded font;
 * - entering a sheet row (normalise, check evidence, append two hash-chained events and the row, one
 *   transaction) in a register of BENCH_CONTACTS contacts (default 100,000), beside a bare consent grant.
 * The human target — an experienced person enters a 20-row sheet in under 3 minutes, i.e. 9 s a row — leaves
 * the app a budget of well under 100 ms per row; the figure shows how much of it is used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import PDFDocument from 'pdfkit';
import { createBackend } from '../../electron/core/backend';
import { renderSheets } from '../../electron/core/print';
import type { FormVersion } from '../../shared/contract/api';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'optin-bench-paper-'));
const backend = createBackend({ dbPath: join(dir, 'register.db') });

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await backend.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function emptyPage(): Promise<number> {
  const font = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const doc = new PDFDocument({ size: 'A4' });
    doc.on('data', () => undefined).on('end', resolve);
    doc.font(font).text('—');
    doc.end();
  });
  return performance.now() - start;
}

async function main(): Promise<void> {
  await call('settings.update', {
    businessName: 'Лавка у дома',
    shopPhone: '+7 912 000-00-00',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
  });
  const template = await call<Record<string, unknown>>('forms.template', { language: 'ru' });
  const form = await call<FormVersion>('forms.create', template);

  // Printing.
  const pages = 20;
  const serials = Array.from({ length: pages }, (_, i) => `S-${String(i + 1).padStart(6, '0')}`);
  await renderSheets({
    layout: 'group',
    paper: 'a4',
    form,
    businessName: 'Лавка у дома',
    rowsPerPage: 15,
    serials: serials.slice(0, 1),
    qrText: (s) => s,
    printedOn: '2026-11-24',
  });
  let start = performance.now();
  await renderSheets({
    layout: 'group',
    paper: 'a4',
    form,
    businessName: 'Лавка у дома',
    rowsPerPage: 15,
    serials,
    qrText: (s) => `${form.code} ${s}`,
    printedOn: '2026-11-24',
  });
  const perPage = (performance.now() - start) / pages;
  let floor = Infinity;
  for (let i = 0; i < 5; i++) floor = Math.min(floor, await emptyPage());
  console.log(`print: ${fmt(perPage)} per 15-row group page (${pages} pages)   floor: empty pdfkit page with the font ${fmt(floor)}`);

  // A register of realistic size.
  const insert = backend.db.prepare(
    `INSERT INTO contacts (phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, ?, '[]', 'mobile', '[]', 0, 0)`,
  );
  backend.db.transaction(() => {
    for (let i = 0; i < CONTACTS; i++) insert.run(`+7915${String(i).padStart(7, '0')}`, `915${String(i).padStart(7, '0')}`, `Покупатель ${i}`);
  })();
  const printed = await call<{ serials: string[] }>('forms.print', { formVersionId: form.id, layout: 'group', rows: 15, copies: 40, paper: 'a4' });
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());

  const rows = 400;
  start = performance.now();
  for (let i = 0; i < rows; i++) {
    const serial = printed.serials[Math.floor(i / 15)]!;
    await call('sheets.enterRow', {
      serial,
      row: (i % 15) + 1,
      name: `Анна ${i}`,
      phone: `8 916 ${String(i).padStart(7, '0')}`,
      channels: ['sms'],
      signedOn: today,
    });
  }
  const perRow = (performance.now() - start) / rows;
  start = performance.now();
  for (let i = 0; i < rows; i++)
    await call('consent.record', {
      phone: `+7917${String(i).padStart(7, '0')}`,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: form.id, sheetRef: 'S-000001' },
    });
  const perGrant = (performance.now() - start) / rows;
  console.log(
    `paper entry: ${fmt(perRow)} per row (2 events + row, ${CONTACTS.toLocaleString('en')} contacts)   floor: one bare consent grant ${fmt(perGrant)}   budget per row at the human target: 9,000 ms`,
  );
}

main()
  .finally(() => {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });

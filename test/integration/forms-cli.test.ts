import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { optin } from '../support/cli';
import { pdfText } from '../support/pdf';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-forms-cli-'));
  dirs.push(d);
  return d;
}

const CONSENT_RU = `Согласие на получение рекламы

Я даю «Лавка у дома» согласие на получение рекламных сообщений об акциях и скидках по SMS и WhatsApp. Сообщений — не больше 4 в неделю. Отписаться: ответьте СТОП.

Согласие на обработку персональных данных

Отдельно даю согласие на обработку моих персональных данных (имя, номер телефона) для рассылки; действует 3 года или до отзыва.`;

async function shop(dir: string) {
  const db = join(dir, 'register.db');
  const set = await optin(
    db,
    'settings',
    'set',
    '--business-name',
    'Лавка у дома',
    '--sender-name',
    'LAVKA',
    '--phone',
    '+7 912 000-00-00',
    '--country',
    'RU',
    '--timezone',
    'Europe/Moscow',
    '--policy',
    'ru',
  );
  expect(set.code).toBe(0);
  const text = join(dir, 'consent-ru.txt');
  writeFileSync(text, '\uFEFF' + CONSENT_RU);
  return { db, text };
}

describe('optin forms (CLI, as the issue writes it)', () => {
  it('forms create --lang --channels --purposes --text-file --json answers id, code and sha256', async () => {
    const dir = folder();
    const { db, text } = await shop(dir);
    const r = await optin(
      db,
      'forms',
      'create',
      '--lang',
      'ru',
      '--channels',
      'whatsapp,sms',
      '--purposes',
      'marketing,personal_data',
      '--text-file',
      text,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const v = r.json();
    expect(v).toMatchObject({ id: 1, code: 'F1-1', title: 'Согласие на получение рекламы', language: 'ru', body: CONSENT_RU });
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(v).slice(0, 2)).toEqual(['id', 'code']);
    const list = await optin(db, 'forms', 'list', '--json');
    expect((list.json().forms as unknown[]).length).toBe(1);
    const missing = await optin(
      db,
      'forms',
      'create',
      '--lang',
      'ru',
      '--channels',
      'sms',
      '--purposes',
      'marketing',
      '--text-file',
      join(dir, 'nope.txt'),
    );
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toContain('--text-file: cannot read');
    const badLang = await optin(db, 'forms', 'create', '--lang', 'de', '--channels', 'sms', '--purposes', 'marketing', '--text-file', text);
    expect(badLang.code).toBe(1);
    expect(badLang.err).toMatch(/^optin: --lang:/);
  });

  it('forms print writes a PDF whose text carries the wording, code and serials, and records the sheets', async () => {
    const dir = folder();
    const { db, text } = await shop(dir);
    await optin(db, 'forms', 'create', '--lang', 'ru', '--channels', 'whatsapp,sms', '--purposes', 'marketing,personal_data', '--text-file', text);
    const pdf = join(dir, 'sheets.pdf');
    const r = await optin(db, 'forms', 'print', '1', '--layout', 'group', '--rows', '10', '--paper', 'a4', '--copies', '2', '--out', pdf, '--json');
    expect(r.code).toBe(0);
    // Under the ru pack each sheet is followed by its personal-data document, on the next serial.
    expect(r.json()).toMatchObject({
      file: pdf,
      formCode: 'F1-1',
      serials: ['S-000001', 'S-000003'],
      personalDataSerials: ['S-000002', 'S-000004'],
      rowsPerSheet: 10,
    });
    const extracted = (await pdfText(pdf, { layout: true })).join('\n').replace(/\s+/g, ' ');
    for (const needle of ['F1-1', 'S-000001', 'S-000002', 'Лавка у дома', 'Отписаться: ответьте СТОП', 'обработку моих персональных данных'])
      expect(extracted).toContain(needle);
    const ind = await optin(db, 'forms', 'print', '1', '--layout', 'individual', '--paper', 'letter', '--out', join(dir, 'one.pdf'), '--json');
    expect(ind.json()).toMatchObject({ serials: ['S-000005'], rowsPerSheet: 1 });
    const sheets = await optin(db, 'sheets', 'list', '--json');
    expect((sheets.json().sheets as { serial: string }[]).map((s) => s.serial)).toEqual(['S-000005', 'S-000003', 'S-000001']);

    for (const [args, message] of [
      [['forms', 'print', '1', '--layout', 'group', '--out', join(dir, 'x.txt')], '--out: sheets are written as PDF'],
      [['forms', 'print', '1', '--layout', 'table', '--out', pdf], '--layout: expected slip, individual or group, got "table"'],
      [['forms', 'print', '1', '--layout', 'group'], '--out: name the file to write'],
      [['forms', 'print', '1', '--layout', 'group', '--rows', '40', '--paper', 'letter', '--out', pdf], '--rows: at most'],
      [['forms', 'print', '1', '--layout', 'group', '--paper', 'a3', '--out', pdf], '--paper:'],
      [['forms', 'print', '9', '--layout', 'group', '--out', pdf], 'ID: no form version 9'],
      [['forms', 'print', '--layout', 'group', '--out', pdf], 'ID: give the form version id'],
    ] as const) {
      const bad = await optin(db, ...args);
      expect(bad.code, args.join(' ')).toBe(1);
      expect(bad.err, args.join(' ')).toContain(message);
    }
    // Refusals recorded nothing.
    expect((await optin(db, 'sheets', 'list', '--json')).json().total).toBe(3);
  });

  it('forms qr writes PNG and SVG codes that decode to the opt-in link, and a poster PDF', async () => {
    const dir = folder();
    const { db, text } = await shop(dir);
    await optin(db, 'forms', 'create', '--lang', 'ru', '--channels', 'whatsapp,sms', '--purposes', 'marketing,personal_data', '--text-file', text);
    const png = join(dir, 'wa.png');
    const r = await optin(db, 'forms', 'qr', '1', '--kind', 'whatsapp', '--out', png, '--json');
    expect(r.code).toBe(0);
    const image = PNG.sync.read(readFileSync(png));
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(r.json().payload);
    expect(decodeURIComponent(String(r.json().payload))).toBe('https://wa.me/79120000000?text=ПОДПИСАТЬСЯ F1-1 «Лавка у дома»');
    const svg = await optin(db, 'forms', 'qr', '1', '--kind', 'sms', '--out', join(dir, 'sms.svg'), '--json');
    expect(svg.json()).toMatchObject({ payload: 'SMSTO:+79120000000:ПОДПИСАТЬСЯ F1-1', text: 'ПОДПИСАТЬСЯ F1-1' });
    expect(readFileSync(join(dir, 'sms.svg'), 'utf8')).toMatch(/^<svg|<\?xml/);
    const poster = await optin(db, 'forms', 'qr', '1', '--kind', 'sms', '--paper', 'a5', '--out', join(dir, 'poster.pdf'), '--json');
    expect(poster.code).toBe(0);
    expect((await pdfText(join(dir, 'poster.pdf'))).join('\n')).toContain('ПОДПИСАТЬСЯ F1-1');
    const bad = await optin(db, 'forms', 'qr', '1', '--kind', 'telegram', '--out', png);
    expect(bad.err).toContain('--kind: expected whatsapp or sms, got "telegram"');
    const badOut = await optin(db, 'forms', 'qr', '1', '--kind', 'sms', '--out', join(dir, 'qr.jpg'));
    expect(badOut.err).toContain('--out: a QR code is written as .png or .svg');
  });

  it('sheets enter / attach / show record paper consents pointing at the sheet and its scan', async () => {
    const dir = folder();
    const { db, text } = await shop(dir);
    await optin(db, 'forms', 'create', '--lang', 'ru', '--channels', 'whatsapp,sms', '--purposes', 'marketing,personal_data', '--text-file', text);
    await optin(db, 'forms', 'print', '1', '--layout', 'group', '--rows', '10', '--out', join(dir, 's.pdf'));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
    const scan = join(dir, 'scan.png');
    writeFileSync(scan, PNG.sync.write(new PNG({ width: 4, height: 4 })));
    const attach = await optin(db, 'sheets', 'attach', 'S-000001', '--file', scan, '--json');
    expect(attach.code).toBe(0);
    const sha = String(attach.json().sha256);
    expect(existsSync(join(dir, 'scans', `${sha}.png`))).toBe(true);
    const enter = await optin(
      db,
      'sheets',
      'enter',
      'S-000001',
      '--row',
      '1',
      '--phone',
      '8 912 345-67-89',
      '--name',
      'Анна',
      '--channels',
      'sms,whatsapp',
      '--signed-on',
      today,
      '--json',
    );
    expect(enter.code).toBe(0);
    const events = enter.json().events as { method: string; purpose: string; evidence: Record<string, unknown> }[];
    expect(events).toHaveLength(4);
    // The personal-data tick names its own document, printed on the next serial.
    for (const e of events)
      expect(e).toMatchObject({
        method: 'paper_form',
        evidence: { formVersionId: 1, sheetRef: e.purpose === 'personal_data' ? 'S-000002' : 'S-000001', row: 1, scanSha256: sha },
      });
    const again = await optin(db, 'sheets', 'enter', 'S-000001', '--row', '1', '--phone', '+79120000001', '--channels', 'sms', '--signed-on', today);
    expect(again.code).toBe(1);
    expect(again.err).toContain('--row: row 1 of S-000001 was entered already');
    const badDate = await optin(
      db,
      'sheets',
      'enter',
      'S-000001',
      '--row',
      '2',
      '--phone',
      '+79120000001',
      '--channels',
      'sms',
      '--signed-on',
      '24.11.2026',
    );
    expect(badDate.err).toContain('--signed-on: expected the date on the sheet as YYYY-MM-DD');
    const show = await optin(db, 'sheets', 'show', 'S-000001');
    expect(show.out).toContain('row 1');
    expect(show.out).toContain('next row: 2');
    const confirmations = await optin(db, 'confirmations', 'list', '--json');
    expect(confirmations.json()).toMatchObject({ total: 0 });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import type { ProviderAdapter } from '../../../electron/core/sending/providers/types';
import { mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'optin-file-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const adapter = (dir: string, options: Record<string, string> = {}): ProviderAdapter =>
  createAdapter({ name: 'SMS Aero upload', kind: 'file', options: { dir, ...options } }, testEnv(mapSecrets()));
const read = (file: string) => fs.readFileSync(file, 'utf8');
const rows = (file: string, delimiter = ',') => Papa.parse<string[]>(read(file).replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: true }).data;

describe('file hand-off', () => {
  it('appends one row per message to <dir>/<name>-batch-<n>.csv: BOM, header, digits, Cyrillic', async () => {
    const dir = tmp();
    const a = adapter(dir);
    expect(a.channels).toEqual(['sms']);
    expect(a.ratePerSecond).toBe(10_000);
    expect(await a.send(outgoing())).toEqual({ kind: 'accepted', providerMessageId: null });
    await a.send(outgoing({ to: '+12025550123', text: 'Second, with "quotes"\nand a line break', idempotencyKey: 'optin-b7-r2' }));
    const file = path.join(dir, 'SMS_Aero_upload-batch-7.csv');
    // The row is on disk before send returns, not only at finish.
    expect(read(file).startsWith('\uFEFFphone,message,ref\r\n')).toBe(true);
    expect(rows(file)).toEqual([
      ['phone', 'message', 'ref'],
      ['79161234567', outgoing().text, 'optin-b7-r1'],
      ['12025550123', 'Second, with "quotes"\nand a line break', 'optin-b7-r2'],
    ]);
    expect(await a.finish!()).toEqual({ file });
  });

  it('uses the env folder when no dir is given, and another delimiter', async () => {
    const dir = tmp();
    const a = createAdapter({ name: 'upload', kind: 'file', options: { delimiter: ';' } }, testEnv(mapSecrets(), { outDir: dir }));
    await a.send(outgoing({ text: 'a;b, c' }));
    expect(read(path.join(dir, 'upload-batch-7.csv'))).toContain('79161234567;"a;b, c";optin-b7-r1\r\n');
    const tab = createAdapter({ name: 'tabbed', kind: 'file', options: { delimiter: 'tab' } }, testEnv(mapSecrets(), { outDir: dir }));
    await tab.send(outgoing());
    expect(read(path.join(dir, 'tabbed-batch-7.csv'))).toContain('phone\tmessage\tref\r\n');
  });

  it('drops repeats by idempotency key, also across a restart; reconcile reads the file', async () => {
    const dir = tmp();
    const m = outgoing();
    const first = adapter(dir);
    expect(await first.reconcile(m, Date.now())).toEqual({ kind: 'resend' });
    expect(fs.readdirSync(dir)).toEqual([]);
    await first.send(m);
    await first.send(m);
    expect(await first.reconcile(m, Date.now())).toEqual({ kind: 'accepted', providerMessageId: null });
    // A new process (after a crash) reads the keys already written.
    const second = adapter(dir);
    expect(await second.reconcile(m, Date.now())).toEqual({ kind: 'accepted', providerMessageId: null });
    expect(await second.send(m)).toEqual({ kind: 'accepted', providerMessageId: null });
    await second.send(outgoing({ idempotencyKey: 'optin-b7-r2' }));
    expect(rows(path.join(dir, 'SMS_Aero_upload-batch-7.csv')).map((r) => r[2])).toEqual(['ref', 'optin-b7-r1', 'optin-b7-r2']);
  });

  it('repairs a row torn by a crash mid-write and carries on', async () => {
    const dir = tmp();
    const a = adapter(dir);
    await a.send(outgoing());
    const file = path.join(dir, 'SMS_Aero_upload-batch-7.csv');
    fs.appendFileSync(file, '79160000000,"half a text');
    const b = adapter(dir);
    expect(await b.reconcile(outgoing({ idempotencyKey: 'optin-b7-r9' }), 0)).toEqual({ kind: 'resend' });
    await b.send(outgoing({ idempotencyKey: 'optin-b7-r9', text: 'после сбоя' }));
    expect(rows(file)).toEqual([
      ['phone', 'message', 'ref'],
      ['79161234567', outgoing().text, 'optin-b7-r1'],
      ['79161234567', 'после сбоя', 'optin-b7-r9'],
    ]);
  });

  it('neutralises cells that spreadsheets would run as formulas', async () => {
    const dir = tmp();
    const a = adapter(dir);
    const texts = ['=HYPERLINK("http://evil","x")', '+7 скидка', '-20% на всё', '@SUM(A1)', "'quoted", '\tTab'];
    for (const [i, text] of texts.entries()) await a.send(outgoing({ text, idempotencyKey: `k${i}` }));
    const cells = rows(path.join(dir, 'SMS_Aero_upload-batch-7.csv'))
      .slice(1)
      .map((r) => r[1]);
    expect(cells).toEqual(texts.map((t) => `'${t}`));
    expect(cells.every((c) => !/^[=+\-@\t\r]/.test(c ?? ''))).toBe(true);
  });

  it('writes a readable xlsx at finish, atomically, with the original text as plain strings', async () => {
    const dir = tmp();
    const a = adapter(dir, { format: 'xlsx' });
    await a.send(outgoing());
    await a.send(outgoing({ idempotencyKey: 'optin-b7-r2', to: '+4915112345678', text: '=1+1 и «ёлка»' }));
    await a.send(outgoing({ idempotencyKey: 'optin-b8-r1', batch: 8, text: 'другая партия' }));
    const { file } = await a.finish!();
    expect(file).toBe(path.join(dir, 'SMS_Aero_upload-batch-8.xlsx'));
    expect(fs.readdirSync(dir).sort()).toEqual([
      'SMS_Aero_upload-batch-7.csv',
      'SMS_Aero_upload-batch-7.xlsx',
      'SMS_Aero_upload-batch-8.csv',
      'SMS_Aero_upload-batch-8.xlsx',
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'SMS_Aero_upload-batch-7.xlsx'));
    const ws = wb.worksheets[0]!;
    const values = ws.getSheetValues().filter(Boolean) as unknown[][];
    expect(values.map((r) => r.slice(1))).toEqual([
      ['phone', 'message', 'ref'],
      ['79161234567', outgoing().text, 'optin-b7-r1'],
      ['4915112345678', '=1+1 и «ёлка»', 'optin-b7-r2'],
    ]);
    // A string cell, not a formula: spreadsheets show it, never run it.
    expect(ws.getCell('B3').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });

  it('finish with nothing written names no file', async () => {
    expect(await adapter(tmp()).finish!()).toEqual({ file: undefined });
  });

  it('a folder that cannot be written stops the batch', async () => {
    const dir = tmp();
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    expect(await adapter(blocker).send(outgoing())).toMatchObject({ kind: 'refused', action: 'stop_batch' });
  });

  it('is set up for one channel', async () => {
    const a = adapter(tmp(), { channel: 'whatsapp' });
    expect(a.channels).toEqual(['whatsapp']);
    expect(await a.send(outgoing())).toMatchObject({ kind: 'refused', code: 'CHANNEL_UNSUPPORTED' });
  });
});

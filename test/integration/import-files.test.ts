import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { scopedBackend } from '../support/backend';
import { importFile, inspect, writeFile } from '../support/imports';

const setup = scopedBackend;
type T = ReturnType<typeof setup>;
const FIXTURES = join(__dirname, '..', 'fixtures', 'import');

function fixture(t: T, name: string): string {
  const path = join(t.dir, name);
  copyFileSync(join(FIXTURES, name), path);
  return path;
}

async function contactsByPhone(t: T): Promise<Map<string, { name: string; email: string | null; tags: string[] }>> {
  const list = await t.call('contacts.list', { limit: 1000 });
  return new Map(list.contacts.map((c) => [c.phone, { name: c.name, email: c.email, tags: [...c.tags] }]));
}

async function cell(t: T, phone: string, channel: 'sms' | 'whatsapp', purpose: 'marketing' | 'personal_data' = 'marketing'): Promise<string> {
  const list = await t.call('contacts.list', { limit: 1000 });
  const c = list.contacts.find((x) => x.phone === phone);
  if (!c) return 'no contact';
  const full = await t.call('contacts.get', { contactId: c.id });
  return full.consents.find((x) => x.channel === channel && x.purpose === purpose)?.status ?? 'none';
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { apiError?: { code: string; message: string }; message: string };
    return { code: e.apiError?.code ?? '', message: e.apiError?.message ?? e.message };
  }
  throw new Error('expected a refusal');
}

describe('columns every Russian CRM export has (amoCRM)', () => {
  it('maps «Полное имя контакта», both e-mails, «Источник» as the consent’s source and «Дата создания» as its date', async () => {
    const t = setup();
    const path = fixture(t, 'amocrm-shop-ru.csv');
    const info = await inspect(t, path);
    expect(info.preset?.id).toBe('amocrm');
    const target = (h: string) => info.mapping.find((m) => m.header === h)?.target.field;
    expect(target('Полное имя контакта')).toBe('name');
    expect(target('Рабочий e-mail')).toBe('email');
    expect(target('Частный e-mail')).toBe('ignore');
    expect(target('Источник')).toBe('consent_source');
    expect(target('Дата создания')).toBe('consent_date');
    expect(target('Комментарий')).toBe('ignore');
    expect(target('Согласие на рассылку')).toBe('consent');

    const s = await importFile(t, path, { dryRun: false });
    // Row 6 has no number at all.
    expect(s.rejected).toBe(1);
    expect(s.errors).toEqual([{ row: 6, reason: 'no phone number', said: { key: 'importRow.noPhone', message: 'no phone number' } }]);
    const people = await contactsByPhone(t);
    expect(people.get('+79120001101')?.name).toBe('Семён Фёдоров');
    expect(people.get('+79120001102')?.name).toBe('Анна   Смирнова');
    expect(people.get('+79120001102')?.email).toBe('anna@example.ru');
    // With a source and a date a «да» is a consent under the ru pack's rules for imported evidence, not a bare claim.
    expect(await cell(t, '+79120001101', 'sms')).toBe('granted');
    expect(await cell(t, '+79120001102', 'whatsapp')).toBe('granted');
    // No source: the same «да» stays an unproven claim.
    expect(await cell(t, '+79120001103', 'sms')).toBe('unproven');
    expect(await cell(t, '+79120001104', 'sms')).toBe('revoked');
    expect(s.claims).toBe(2);
  });

  it('a file-wide source and date («анкеты в магазине, 2024») fill the rows that have none; the pack still decides', async () => {
    const t = setup();
    const path = writeFile(t, 'list.csv', 'Телефон;Имя;Согласие на смс\r\n+79120002201;Вера;да\r\n+79120002202;Глеб;да\r\n');
    const without = await importFile(t, path);
    expect(without.claims).toBe(2);
    const info = await inspect(t, path);
    const job = await t.call('import.start', {
      fileId: info.fileId,
      mapping: info.mapping,
      dryRun: false,
      consentForFile: { source: 'анкеты в магазине, 2024', date: '2024-06-01' },
    });
    const done = await t.backend.jobs.wait(job.jobId);
    expect(done.summary?.consentsGranted).toBe(2);
    expect(done.summary?.claims).toBe(0);
    expect(await cell(t, '+79120002201', 'sms')).toBe('granted');
    const contact = (await t.call('contacts.list', {})).contacts.find((c) => c.phone === '+79120002201')!;
    const full = await t.call('contacts.get', { contactId: contact.id });
    const sms = full.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    // The start of 1 June 2024 in the shop's zone (Moscow, UTC+3).
    expect(sms.since).toBe('2024-05-31T21:00:00.000Z');
  });

  it('a file without consent columns: the person says what every row agreed to; a date in the future is refused', async () => {
    const t = setup();
    const path = writeFile(t, 'list.csv', 'Телефон;Имя\r\n+79120003301;Вера\r\n+79120003302;Глеб\r\n');
    const info = await inspect(t, path);
    const start = (consentForFile: Record<string, unknown>) =>
      t.call('import.start', { fileId: info.fileId, mapping: info.mapping, dryRun: true, consentForFile } as never);
    const future = await t.backend.jobs.wait((await start({ source: 'анкеты', date: '2030-01-01', channels: ['sms'], purpose: 'marketing' })).jobId);
    expect(future.state).toBe('failed');
    expect(future.error?.message).toMatch(/2030-01-01.*future/);
    const r = await refusal(start({ source: 'анкеты', channels: ['sms'] }));
    expect(r.code).toBe('VALIDATION_FAILED');
    const ok = await t.backend.jobs.wait((await start({ source: 'анкеты', date: '2024-01-10', channels: ['sms'], purpose: 'marketing' })).jobId);
    expect(ok.summary?.consentsGranted).toBe(2);
    // Without a date the same statement is only a claim: nothing is invented.
    const noDate = await t.backend.jobs.wait((await start({ source: 'анкеты', channels: ['sms'], purpose: 'marketing' })).jobId);
    expect(noDate.summary?.claims).toBe(2);
    expect(noDate.summary?.consentsGranted).toBe(0);
  });
});

describe('Google Contacts as shops have them', () => {
  it('names a club by its organisation and never turns Google’s own labels («* myContacts», «* starred») into tags', async () => {
    const t = setup();
    const path = fixture(t, 'google-shop.csv');
    const info = await inspect(t, path);
    expect(info.preset?.id).toBe('google-contacts');
    const s = await importFile(t, path, { dryRun: false, defaultCountry: 'GB' });
    expect(s.rejected).toBe(0);
    const people = await contactsByPhone(t);
    expect(people.get('+447400123501')).toMatchObject({ name: 'Tom Baker', tags: ['Customers'] });
    expect(people.get('+447400123502')).toMatchObject({ name: 'Leeds Riders Club', tags: ['Clubs'] });
    // A person's name wins over the company.
    expect(people.get('+447400123504')?.name).toBe('Sara Q Ahmed');
    expect(people.get('+447400123505')).toMatchObject({ name: '', tags: [] });
    for (const p of people.values()) for (const tag of p.tags) expect(tag.startsWith('*') || /mycontacts|starred/i.test(tag)).toBe(false);
  });
});

describe('warnings on screen', () => {
  it('groups the warnings by kind with counts and example rows, and writes the report with «;» for a Russian Excel', async () => {
    const t = setup();
    const path = fixture(t, 'amocrm-shop-ru.csv');
    const info = await inspect(t, path);
    const job = await t.call('import.start', { fileId: info.fileId, mapping: info.mapping, dryRun: true, language: 'ru' });
    const s = (await t.backend.jobs.wait(job.jobId)).summary!;
    const kinds = Object.fromEntries(s.warningGroups.map((g) => [g.kind, g]));
    expect(kinds.consent_claim?.count).toBe(1);
    expect(kinds.consent_claim?.examples[0]).toMatchObject({ row: 4, params: { column: 'Согласие на рассылку', reasons: 'no_source' } });
    expect(kinds.email_invalid?.examples[0]).toMatchObject({ row: 4, params: { value: 'petr@example' } });
    expect(kinds.extension_dropped?.examples[0]).toMatchObject({ row: 3, params: { extension: '7' } });
    expect(s.warningGroups.reduce((n, g) => n + g.count, 0)).toBe(s.warnings);
    const report = readFileSync(t.backend.files.get(s.reportFileId!).path, 'utf8');
    expect(report.startsWith('\uFEFFrow;problem;reason;ID;')).toBe(true);
    const english = await t.call('import.start', { fileId: info.fileId, mapping: info.mapping, dryRun: true });
    const en = (await t.backend.jobs.wait(english.jobId)).summary!;
    expect(readFileSync(t.backend.files.get(en.reportFileId!).path, 'utf8').startsWith('\uFEFFrow,problem,reason,ID,')).toBe(true);
  });
});

/** A workbook written with exceljs: a title row, then the header, then the rows. */
async function workbook(path: string, rows: (string | number | Date | null)[][], sheets: string[] = ['Клиенты']): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const name of sheets) {
    const ws = wb.addWorksheet(name);
    if (name === sheets[0]) for (const r of rows) ws.addRow(r);
    else ws.addRow(['nothing here']);
  }
  await wb.xlsx.writeFile(path);
}

describe('Excel workbooks (.xlsx)', () => {
  it('reads the first sheet (or the one chosen), with numbers, dates and a header below a title', async () => {
    const t = setup();
    const path = join(t.dir, 'clients.xlsx');
    await workbook(
      path,
      [
        ['Клиенты магазина «Ромашка»'],
        [],
        ['ФИО', 'Телефон', 'Согласие на смс', 'Дата согласия', 'Источник согласия', 'Теги'],
        ['Семён Фёдоров', 79120004401, 'да', new Date(Date.UTC(2024, 2, 12)), 'анкета', 'постоянный'],
        ['Анна Смирнова', '+7 912 000-44-02', 'нет', null, null, null],
        [null, null, null, null, null, null],
        ['Пётр Иванов', '8 912 000 44 03', 'да', new Date(Date.UTC(2024, 3, 1, 15, 30)), 'сайт', null],
      ],
      ['Клиенты', 'Архив'],
    );
    const info = await inspect(t, path);
    expect(info.format).toBe('xlsx');
    expect(info.sheets).toEqual(['Клиенты', 'Архив']);
    expect(info.sheet).toBe('Клиенты');
    expect(info.headerRow).toBe(3);
    expect(info.headers).toEqual(['ФИО', 'Телефон', 'Согласие на смс', 'Дата согласия', 'Источник согласия', 'Теги']);
    expect(info.sample[0]).toEqual(['Семён Фёдоров', '79120004401', 'да', '2024-03-12', 'анкета', 'постоянный']);
    const s = await importFile(t, path, { dryRun: false });
    expect(s.rows).toBe(3);
    expect(s.rejected).toBe(0);
    expect(s.file.encoding).toBe('xlsx');
    expect(await cell(t, '+79120004401', 'sms')).toBe('granted');
    expect(await cell(t, '+79120004403', 'sms')).toBe('granted');
    const other = await refusal(inspect(t, path, { sheet: 'Нет такого' }));
    expect(other.message).toMatch(/no sheet "Нет такого".*Клиенты, Архив/);
  });

  it('streams 100,000 rows', async () => {
    const t = setup();
    const path = join(t.dir, 'big.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Name', 'Phone']).commit();
    for (let i = 0; i < 100_000; i++) ws.addRow([`Client ${i}`, `+7912${String(1_000_000 + i).padStart(7, '0')}`]).commit();
    ws.commit();
    await wb.commit();
    const s = await importFile(t, path);
    expect(s.rows).toBe(100_000);
    expect(s.created).toBe(100_000);
    expect(s.rejected).toBe(0);
  }, 120_000);

  it('refuses a zip bomb (shared text that unpacks to gigabytes) by name, and a plain zip as not a workbook', async () => {
    const t = setup();
    const path = join(t.dir, 'bomb.xlsx');
    await workbook(path, [
      ['Name', 'Phone'],
      ['A', '+79120005501'],
    ]);
    // Swap the shared strings for 100 MB of text that packs into ~100 KB.
    const zip = readFileSync(path);
    const bomb = makeZip([
      ...readZip(zip).filter((e) => e.name !== 'xl/sharedStrings.xml'),
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(100 * 1024 * 1024, 0x41) },
    ]);
    writeFile(t, 'bomb.xlsx', bomb);
    expect(statSync(path).size).toBeLessThan(1024 * 1024);
    const r = await refusal(inspect(t, path));
    expect(r.code).toBe('UNREADABLE_FILE');
    expect(r.message).toMatch(/shared text.*more than 64 MB/);
    const plain = writeFile(t, 'photos.zip', makeZip([{ name: 'a.txt', data: Buffer.from('hello') }]));
    expect((await refusal(inspect(t, plain))).message).toMatch(/zip archive, not an Excel workbook/);
  });

  it('refuses a workbook whose zip lies: a part twice (the first copy a bomb), or a sheet stating 1 KB that unpacks to 520 MB', async () => {
    const t = setup();
    const path = join(t.dir, 'real.xlsx');
    await workbook(path, [
      ['Name', 'Phone'],
      ['A', '+79120005501'],
    ]);
    const parts = readZip(readFileSync(path));
    // A second, larger shared-text part ahead of the one the directory lists last: a reader taking the first unpacked 100 MB.
    const twice = writeFile(t, 'twice.xlsx', makeZip([{ name: 'xl/sharedStrings.xml', data: Buffer.alloc(100 * 1024 * 1024, 0x41) }, ...parts]));
    const r1 = await refusal(inspect(t, twice));
    expect(r1.code).toBe('UNREADABLE_FILE');
    expect(r1.message).toMatch(/holds the part xl\/sharedStrings\.xml twice/);
    // The sheet's directory entry states 1,000 bytes; exceljs would unpack all of it.
    const lying = writeFile(
      t,
      'lying.xlsx',
      makeZip(
        parts.map((e) =>
          e.name === 'xl/worksheets/sheet1.xml' ? { name: e.name, data: Buffer.alloc(520 * 1024 * 1024, 0x20), statedSize: 1000 } : e,
        ),
      ),
    );
    expect(statSync(lying).size).toBeLessThan(2 * 1024 * 1024);
    const r2 = await refusal(inspect(t, lying));
    expect(r2.code).toBe('UNREADABLE_FILE');
    expect(r2.message).toMatch(/xl\/worksheets\/sheet1\.xml unpacks to more than 512 MB/);
  }, 60_000);

  it('refuses an old binary .xls saying what it is and how to save it', async () => {
    const t = setup();
    const path = writeFile(t, 'old.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2048)]));
    const r = await refusal(inspect(t, path));
    expect(r.code).toBe('UNREADABLE_FILE');
    expect(r.message).toMatch(/Excel 97–2003 workbook \(\.xls\).*CSV UTF-8.*\.xlsx/);
  });
});

describe('Bitrix24 «Экспорт в Excel» (an HTML table saved as .xls)', () => {
  it('reads the table in its declared code page, entities decoded, and imports it', async () => {
    const t = setup();
    const path = fixture(t, 'bitrix24-export.xls');
    const info = await inspect(t, path);
    expect(info.format).toBe('html');
    expect(info.encoding).toBe('windows-1251');
    expect(info.headers.slice(0, 4)).toEqual(['ID', 'Имя', 'Фамилия', 'Мобильный телефон']);
    expect(info.sample[0]![7]).toBe('анкета «Ромашка» №12');
    expect(info.sample[0]![8]).toBe('любит & ценит <тюльпаны>');
    expect(info.sample[1]![8]).toBe('первая строка\nвторая строка');
    const s = await importFile(t, path, { dryRun: false });
    // The total line at the bottom has no number.
    expect(s.rows).toBe(4);
    expect(s.rejected).toBe(1);
    const people = await contactsByPhone(t);
    expect(people.get('+79120002101')?.name).toBe('Дмитрий Смирнов');
    expect(people.get('+79120002103')?.name).toBe('Алёна Ёлкина');
    expect(await cell(t, '+79120002101', 'sms')).toBe('granted');
  });

  it('refuses a page without a table, and reads a broken one as far as it has rows', async () => {
    const t = setup();
    const none = writeFile(t, 'page.xls', '<html><body><p>Нет данных</p></body></html>');
    expect((await refusal(inspect(t, none))).message).toMatch(/web page \(HTML\).*holds no table/);
    const broken = writeFile(
      t,
      'broken.xls',
      '<html><meta charset="utf-8"><table><tr><td>Имя<td>Телефон<tr><td>Вера<td>+7 912 000-66-01<tr><td>Глеб<td>+7 912 000-66-02</td',
    );
    const info = await inspect(t, broken);
    expect(info.headers).toEqual(['Имя', 'Телефон']);
    const s = await importFile(t, broken);
    expect(s.rows).toBe(2);
    expect(s.rejected).toBe(0);
  });
});

// ---- a minimal zip writer/reader for the zip-bomb test ----

interface Entry {
  name: string;
  data: Buffer;
  /** The unpacked size the zip's headers state, when it lies (the data's own size otherwise). */
  statedSize?: number;
}

function readZip(zip: Buffer): Entry[] {
  const out: Entry[] = [];
  let p = 0;
  while (zip.readUInt32LE(p) === 0x04034b50) {
    const method = zip.readUInt16LE(p + 8);
    const flags = zip.readUInt16LE(p + 6);
    const nameLength = zip.readUInt16LE(p + 26);
    const extra = zip.readUInt16LE(p + 28);
    const name = zip.toString('utf8', p + 30, p + 30 + nameLength);
    const start = p + 30 + nameLength + extra;
    // exceljs writes sizes in a data descriptor: find them in the central directory instead.
    const cd = centralEntry(zip, name);
    const packed = zip.subarray(start, start + cd.compressed);
    out.push({ name, data: method === 8 ? inflateRawSync(packed) : Buffer.from(packed) });
    p = start + cd.compressed + (flags & 8 ? (zip.readUInt32LE(start + cd.compressed) === 0x08074b50 ? 16 : 12) : 0);
  }
  return out;
}

function centralEntry(zip: Buffer, name: string): { compressed: number } {
  for (let p = zip.length - 22; p >= 0; p--) {
    if (zip.readUInt32LE(p) !== 0x02014b50) continue;
    const n = zip.readUInt16LE(p + 28);
    if (zip.toString('utf8', p + 46, p + 46 + n) === name) return { compressed: zip.readUInt32LE(p + 20) };
  }
  throw new Error(`no ${name}`);
}

function makeZip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const packed = deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.statedSize ?? e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.statedSize ?? e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

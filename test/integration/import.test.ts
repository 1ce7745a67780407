import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { scopedBackend } from '../support/backend';
import { importFile, inspect, registerState, runImport, writeFile } from '../support/imports';
import type { ColumnMapping } from '../../shared/domain/csv/mapping';

const setup = scopedBackend;

const HEADER = 'Name,Phone,Email,SMS consent,Consent date,Consent source,Do not contact';

function counts(t: ReturnType<typeof setup>): { contacts: number; events: number; audit: number; states: number } {
  const db = t.backend.db;
  const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    contacts: n('SELECT count(*) AS n FROM contacts WHERE removed_at IS NULL'),
    events: n('SELECT count(*) AS n FROM consent_events'),
    audit: n('SELECT count(*) AS n FROM audit_log'),
    states: n('SELECT count(*) AS n FROM consent_state'),
  };
}

describe('reading real files', () => {
  const rows = ['Анна Смирнова;+7 912 345-67-89;да;2025-03-05;анкета', 'Пётр Иванов;8 (912) 111-22-33;нет;;'];
  const ru = `Имя;Телефон;Согласие на смс;Дата согласия;Источник согласия\r\n${rows.join('\r\n')}\r\n`;

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(ru, 'utf8')]), 'utf8'],
    ['UTF-8 without BOM', iconv.encode(ru, 'utf8'), 'utf8'],
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(ru, 'utf16le')]), 'utf16le'],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(ru, 'utf16be')]), 'utf16be'],
    ['Windows-1251', iconv.encode(ru, 'windows-1251'), 'windows-1251'],
    [
      'KOI8-R',
      iconv.encode(
        ru.repeat(3).replace(/Имя;Телефон.*\r\n(?=Анна)/g, (m, i: number) => (i === 0 ? m : '')),
        'koi8-r',
      ),
      'koi8-r',
    ],
  ])('decodes %s and finds the Cyrillic header', async (_name, bytes, encoding) => {
    const t = setup();
    const path = writeFile(t, 'f.csv', bytes);
    const info = await inspect(t, path);
    expect(info.encoding).toBe(encoding);
    expect(info.delimiter).toBe(';');
    expect(info.headers).toEqual(['Имя', 'Телефон', 'Согласие на смс', 'Дата согласия', 'Источник согласия']);
    expect(info.sample[0]?.[0]).toBe('Анна Смирнова');
    const s = await importFile(t, path, { dryRun: false });
    expect(s.rejected).toBe(0);
    expect(s.created).toBe(2);
    const contacts = await t.call('contacts.list', {});
    expect(contacts.contacts.map((c) => c.name).sort()).toEqual(['Анна Смирнова', 'Пётр Иванов']);
  });

  // Found while testing the import's reading thread: Russian Excel saves "CSV (comma delimited)" in Windows-1251, and
  // a CRM export with English headers and Russian names was read as ISO-8859-1 ("Èâàí"), its "нет" unreadable.
  it('reads a Cyrillic code page under English headers as Cyrillic, and a Western European file as Latin', async () => {
    const t = setup();
    // As the CRM writes them: Latin headers and tags, Russian and Latin names side by side.
    const first = ['Иван', 'John', 'Сергей', 'Алексей', 'Mary', 'Ольга'];
    const last = ['Иванов', 'Петрова', 'Smith', 'Попова', 'Кузнецова', 'Brown'];
    const cities = ['Москва', 'Екатеринбург', 'Санкт-Петербург', 'Новосибирск'];
    const ru = ['Customer ID,First Name,Last Name,Phone,Email,City,Tags,SMS Consent'];
    for (let i = 0; i < 2000; i++)
      ru.push(
        `C${i},${first[i % 6]},${last[i % 5]},8 (910) ${String(i)
          .padStart(7, '0')
          .replace(
            /(\d{3})(\d{2})(\d{2})/,
            '$1-$2-$3',
          )},user${i}@example.com,${cities[i % 4]},"vip, newsletter",${['yes', 'no', 'unsubscribed'][i % 3]}`,
      );
    // chardet took each of these for ISO-8859-1.
    for (const page of ['windows-1251', 'koi8-r', 'iso-8859-5', 'cp866']) {
      const cyr = await inspect(t, writeFile(t, `ru-${page}.csv`, iconv.encode(ru.join('\r\n'), page)));
      expect(cyr.encoding).toBe(page);
      expect(cyr.sample[0]?.slice(1, 6)).toEqual(['Иван', 'Иванов', '8 (910) 000-00-00', 'user0@example.com', 'Москва']);
    }
    // English names, the consent and its source in Russian.
    const en = ['Name,Phone,SMS consent,Source'];
    for (let i = 0; i < 500; i++) en.push(`Client ${i},+7912${String(i).padStart(7, '0')},${i % 2 ? 'да' : 'нет'},анкета`);
    const mixed = await inspect(t, writeFile(t, 'en.csv', iconv.encode(en.join('\r\n'), 'windows-1251')));
    expect(mixed.encoding).toBe('windows-1251');
    expect(mixed.sample[0]?.slice(2)).toEqual(['нет', 'анкета']);
    const western = ['Name,Phone,City'];
    const people = ['François Müller', 'José Gonçalves', 'Åsa Ångström', 'Zoë Dubois', 'Jürgen Weiß', 'Inês Sá'];
    for (let i = 0; i < 300; i++) western.push(`${people[i % 6]},+4930${String(i).padStart(7, '0')},${['Köln', 'São Paulo', 'Malmö'][i % 3]}`);
    const latin = await inspect(t, writeFile(t, 'de.csv', iconv.encode(western.join('\r\n'), 'windows-1252')));
    expect(latin.encoding).not.toBe('windows-1251');
    expect(latin.sample[0]?.slice(0, 1)).toEqual(['François Müller']);
  });

  it.each([
    [',', 'a,b'],
    [';', 'a;b'],
    ['\t', 'a\tb'],
    ['|', 'a|b'],
  ])('detects the %j delimiter, with quoted delimiters, quotes and line breaks inside fields', async (d) => {
    const t = setup();
    const line = (cells: string[]): string => cells.join(d);
    const text = [
      line(['Name', 'Phone', 'Note']),
      line(['"Smith, ""Jo""; Ann|e"', '+79123456789', '"first line\nsecond line"']),
      line(['Bob', '+79123456780', 'plain']),
    ].join('\r');
    const path = writeFile(t, 'd.csv', text);
    const info = await inspect(t, path);
    expect(info.delimiter).toBe(d);
    const s = await importFile(t, path, { dryRun: false });
    expect(s).toMatchObject({ rows: 2, created: 2, rejected: 0 });
    const c = await t.call('contacts.get', { phone: '+79123456789' });
    expect(c.contact.name).toBe('Smith, "Jo"; Ann|e');
  });

  it('reads CRLF, LF and CR line ends alike', async () => {
    const t = setup();
    for (const eol of ['\r\n', '\n', '\r']) {
      const path = writeFile(t, `eol${eol.length}${eol.charCodeAt(0)}.csv`, ['Phone,Name', '+79123450001,A', '+79123450002,B'].join(eol) + eol);
      expect((await importFile(t, path)).rows).toBe(2);
    }
  });
});

describe('bad input', () => {
  it('refuses an empty file, a binary file and a file with no phone column, naming the problem', async () => {
    const t = setup();
    await expect(inspect(t, writeFile(t, 'empty.csv', ''))).rejects.toThrow(/UNREADABLE_FILE: file: the file is empty/);
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 1), Buffer.from([0, 0, 0, 255, 254])]);
    await expect(inspect(t, writeFile(t, 'book.xlsx', zip))).rejects.toThrow(/UNREADABLE_FILE: .*binary data/);
    const noPhone = writeFile(t, 'nophone.csv', 'Name,Email\nAnn,a@example.com\n');
    const job = await runImport(t, noPhone);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/no column is mapped to a phone number/);
    expect(job.error?.fields).toEqual([expect.objectContaining({ path: 'mapping', message: 'no phone column' })]);
  });

  it('gives row-numbered reasons for bad numbers, wrong field counts and a quote that never closes', async () => {
    const t = setup();
    const text = [
      'Name,Phone,Email',
      'Good,+79123456789,g@example.com',
      'Short,123,',
      'Too many,+79123456780,x@example.com,extra',
      'Too few,+79123456781',
      'Quote,"+79123456782,q@example.com',
      'Swallowed,+79123456783,s@example.com',
    ].join('\n');
    const s = await importFile(t, writeFile(t, 'bad.csv', text), { dryRun: false });
    expect(s.rows).toBeGreaterThanOrEqual(5);
    expect(s.created).toBe(1);
    const reasons = new Map(s.errors.map((e) => [e.row, e.reason]));
    expect(reasons.get(3)).toMatch(/no valid phone number: "123"/);
    expect(reasons.get(4)).toMatch(/has 4 fields but the header has 3/);
    expect(reasons.get(5)).toMatch(/has 2 fields but the header has 3/);
    expect(reasons.get(6)).toMatch(/quoted field is never closed/);
  });

  it('reports every one of many bad rows (the summary keeps the first 100, the report all)', async () => {
    const t = setup();
    const lines = ['Phone,Name'];
    for (let i = 0; i < 3000; i++) lines.push(i % 10 === 0 ? `not-a-number-${i},Bad` : `+7912${String(1000000 + i)},Good ${i}`);
    const s = await importFile(t, writeFile(t, 'many.csv', lines.join('\n')), { dryRun: false });
    expect(s.rejected).toBe(300);
    expect(s.errors).toHaveLength(100);
    expect(s.errors[0]).toMatchObject({
      row: 2,
      reason: expect.stringMatching(/^no valid phone number: "not-a-number-0" in Phone/),
      said: { key: 'importRow.noValidPhone' },
    });
    const report = readFileSync(t.backend.files.get(s.reportFileId!).path, 'utf8');
    expect(report.trim().split('\r\n')).toHaveLength(301);
  });
});

describe('consent from files', () => {
  it('grants only with channel, date and source; a bare yes is an unproven claim; an opt-out is honoured', async () => {
    const t = setup();
    const text = [
      HEADER + ',PD consent',
      'Proven,+79120000001,,yes,2025-05-01 10:00,web form,,yes',
      'Bare yes,+79120000002,,yes,,,,',
      'No date,+79120000003,,yes,,in-store,,',
      'Future,+79120000004,,yes,2030-01-01,web form,,',
      'Opted out,+79120000005,,unsubscribed,2025-06-01,,,',
      'DNC,+79120000006,,yes,2025-05-01,web form,yes,',
      'Said no,+79120000007,,no,,,,',
    ].join('\n');
    const path = writeFile(t, 'consent.csv', text);
    const info = await inspect(t, path);
    const mapping = info.mapping.map((m) =>
      m.header === 'PD consent' ? { ...m, target: { field: 'consent' as const, channels: ['sms' as const], purpose: 'personal_data' as const } } : m,
    );
    const s = await importFile(t, path, { dryRun: false, mapping });
    // Row 2 grants SMS marketing and personal data; the do-not-contact row's grant is recorded, then withdrawn.
    expect(s).toMatchObject({ created: 7, consentsGranted: 3, claims: 3 });
    const status = async (phone: string): Promise<Record<string, { status: string; sendable: boolean }>> => {
      const r = await t.call('consent.status', { phone });
      return Object.fromEntries(r.consents.map((c) => [`${c.channel}/${c.purpose}`, { status: c.status, sendable: c.sendable }]));
    };
    expect((await status('+79120000001'))['sms/marketing']).toEqual({ status: 'granted', sendable: true });
    expect((await status('+79120000002'))['sms/marketing']).toEqual({ status: 'unproven', sendable: false });
    expect((await status('+79120000003'))['sms/marketing']).toEqual({ status: 'unproven', sendable: false });
    expect((await status('+79120000004'))['sms/marketing']).toEqual({ status: 'unproven', sendable: false });
    const out = await status('+79120000005');
    expect(out['sms/marketing']?.status).toBe('revoked');
    expect(out['whatsapp/marketing']?.status).toBe('revoked');
    const dnc = await status('+79120000006');
    for (const k of ['sms/marketing', 'whatsapp/marketing', 'sms/service', 'whatsapp/service']) expect(dnc[k]?.status).toBe('revoked');
    expect((await status('+79120000007'))['sms/marketing']?.status).toBe('none');

    // The proof names the file, its hash, the row and the columns as they read.
    const proven = await t.call('contacts.get', { phone: '+79120000001' });
    const grant = proven.timeline.find((e) => e.purpose === 'marketing' && e.action === 'grant')!;
    expect(grant.method).toBe('import');
    expect(grant.evidence).toMatchObject({
      importBatchId: String(s.batch),
      fileSha256: s.file.sha256,
      fileName: 'consent.csv',
      row: 2,
      source: 'web form',
      columns: { 'SMS consent': 'yes', 'Consent date': '2025-05-01 10:00', 'Consent source': 'web form' },
    });
    // 10:00 in the shop's time zone (Moscow, UTC+3).
    expect(grant.occurredAt).toBe('2025-05-01T07:00:00.000Z');
  });

  it('never turns a revocation back into a grant unless the file grant is newer and proven', async () => {
    const t = setup();
    await t.call('consent.record', {
      phone: '+79120000011',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      occurredAt: '2025-06-01T00:00:00Z',
    });
    await t.call('consent.record', {
      phone: '+79120000012',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      occurredAt: '2025-06-01T00:00:00Z',
    });
    await t.call('consent.record', {
      phone: '+79120000013',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      occurredAt: '2025-06-01T00:00:00Z',
    });
    const text = [
      HEADER,
      'Older,+79120000011,,yes,2025-01-01,web form,',
      'Newer,+79120000012,,yes,2025-09-01,web form,',
      'Bare,+79120000013,,yes,,,',
    ].join('\n');
    await importFile(t, writeFile(t, 'regrant.csv', text), { dryRun: false });
    const st = async (p: string): Promise<string | undefined> =>
      (await t.call('consent.status', { phone: p })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status;
    expect(await st('+79120000011')).toBe('revoked');
    expect(await st('+79120000012')).toBe('granted');
    expect(await st('+79120000013')).toBe('revoked');
  });

  it('under a double opt-in pack a file cannot prove consent: every yes stays a claim', async () => {
    const t = setup();
    await t.call('settings.update', { policyPack: 'de', defaultCountry: 'DE', timezone: 'Europe/Berlin' });
    const s = await importFile(t, writeFile(t, 'de.csv', [HEADER, 'Jana,+49 1512 3456789,,yes,2025-03-01,web form,'].join('\n')), { dryRun: false });
    expect(s).toMatchObject({ consentsGranted: 0, claims: 1 });
  });

  it('property: after any import no contact is granted without a proven yes, and every opt-out row ends revoked', async () => {
    const answers = ['yes', 'да', 'no', '', 'unsubscribed', 'отписан', 'maybe'];
    const row = fc.record({
      answer: fc.constantFrom(...answers),
      date: fc.constantFrom('', '2025-02-03', '03.02.2025 14:00', '2031-01-01', 'soon'),
      source: fc.constantFrom('', 'web form', 'анкета'),
      dnc: fc.constantFrom('', 'yes', 'нет'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        const t = setup();
        const lines = [HEADER, ...rows.map((r, i) => `P${i},+7912000${String(1000 + i)},,${r.answer},${r.date},${r.source},${r.dnc}`)];
        await importFile(t, writeFile(t, 'p.csv', lines.join('\n')), { dryRun: false });
        for (const [i, r] of rows.entries()) {
          const cells = (await t.call('consent.status', { phone: `+7912000${String(1000 + i)}` })).consents;
          const sms = cells.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
          const proven = (r.answer === 'yes' || r.answer === 'да') && /^(2025-02-03|03\.02\.2025 14:00)$/.test(r.date) && r.source !== '';
          if (sms.status === 'granted') expect(proven).toBe(true);
          if (r.dnc === 'yes' || r.answer === 'unsubscribed' || r.answer === 'отписан') {
            expect(cells.filter((c) => c.purpose === 'marketing').every((c) => c.status === 'revoked')).toBe(true);
            expect(cells.some((c) => c.sendable && c.purpose === 'marketing')).toBe(false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('numbers, duplicates and merging', () => {
  it('takes several numbers per row, keeps the mobile one as the contact, strips extensions with a warning', async () => {
    const t = setup();
    const text = [
      'Name,Phone 1 - Value,Work phone',
      'Ann,+7 495 123-45-67 ::: +7 912 345-67-89,',
      'Bob,"+7 912 000-11-22, +7 912 000-11-23",+7 495 765-43-21 доб. 77',
      'Cid,+7 912 000-33-44 / 8 912 000-33-45,',
    ].join('\n');
    const s = await importFile(t, writeFile(t, 'multi.csv', text), { dryRun: false });
    expect(s).toMatchObject({ created: 3, rejected: 0 });
    const ann = await t.call('contacts.get', { phone: '+79123456789' });
    expect(ann.contact.otherPhones).toEqual(['+74951234567']);
    const bob = await t.call('contacts.get', { phone: '+79120001122' });
    expect(bob.contact.otherPhones).toEqual(['+79120001123', '+74957654321']);
    expect(s.warnings).toBeGreaterThanOrEqual(1);
    const report = readFileSync(t.backend.files.get(s.reportFileId!).path, 'utf8');
    expect(report).toMatch(/extension 77 of \+74957654321 dropped/);
  });

  it('merges rows with the same number in the file and against the register; fill-blanks or overwrite as chosen', async () => {
    const t = setup();
    await t.call('contacts.add', { phone: '+79120000021', name: 'Existing Name' });
    await t.call('contacts.add', { phone: '+79120000022', name: '' });
    const text = [
      'Name,Phone,Email',
      'New Name,+79120000021,e1@example.com',
      'Filled,+79120000022,',
      'Twice,+79120000023,',
      'Twice again,8 912 000-00-23,t@example.com',
    ].join('\n');
    const path = writeFile(t, 'merge.csv', text);
    const preview = await importFile(t, path);
    const s = await importFile(t, path, { dryRun: false });
    expect({ ...s, batch: null, reportFileId: null }).toEqual({ ...preview, reportFileId: null });
    expect(s).toMatchObject({ rows: 4, created: 1, updated: 2, merged: 1 });
    expect((await t.call('contacts.get', { phone: '+79120000021' })).contact).toMatchObject({ name: 'Existing Name', email: 'e1@example.com' });
    expect((await t.call('contacts.get', { phone: '+79120000022' })).contact.name).toBe('Filled');
    expect((await t.call('contacts.get', { phone: '+79120000023' })).contact).toMatchObject({ name: 'Twice', email: 't@example.com' });
    await importFile(t, path, { dryRun: false, merge: 'overwrite' });
    expect((await t.call('contacts.get', { phone: '+79120000021' })).contact.name).toBe('New Name');
  });
});

describe('preview, commit, cancel and undo', () => {
  it('a preview writes nothing; a commit is one audited batch', async () => {
    const t = setup();
    const path = writeFile(t, 'p.csv', [HEADER, 'A,+79120000031,,yes,2025-01-01,web,', 'B,+79120000032,,,,,'].join('\n'));
    const before = counts(t);
    const preview = await importFile(t, path);
    expect(counts(t)).toEqual(before);
    expect(preview.batch).toBeNull();
    const s = await importFile(t, path, { dryRun: false });
    expect(s.batch).toBe(1);
    // The import wrote with a smaller page cache (its memory bound); the register's usual one is back.
    expect(t.backend.db.pragma('cache_size', { simple: true })).toBe(-65536);
    const audit = await t.call('audit.list', { limit: 5 });
    expect(audit.entries.some((e) => e.action === 'import.committed' && e.entity === 'import:1')).toBe(true);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a cancelled import leaves the register exactly as before, and other calls wait for it instead of joining it', async () => {
    const t = setup();
    await t.call('contacts.add', { phone: '+79129999999', name: 'Before' });
    const lines = [HEADER];
    for (let i = 0; i < 60000; i++) lines.push(`P${i},+7913${String(1000000 + i)},,yes,2025-01-01,web,`);
    const path = writeFile(t, 'big.csv', lines.join('\n'));
    const before = counts(t);
    const info = await inspect(t, path);
    const job = await t.call('import.start', { fileId: info.fileId, mapping: info.mapping, dryRun: false });
    // A write that arrives during the import queues behind it (and survives the cancel).
    const during = t.call('consent.record', { phone: '+79129999999', channel: 'sms', purpose: 'marketing', action: 'revoke' });
    for (;;) {
      const j = await t.call('import.job', { jobId: job.jobId });
      if (j.progress.rows > 0) break;
      await new Promise((ok) => setTimeout(ok, 5));
    }
    await t.call('import.cancel', { jobId: job.jobId });
    const end = await t.backend.jobs.wait(job.jobId);
    expect(end.state).toBe('cancelled');
    expect(end.error?.message).toMatch(/nothing was written/);
    await during;
    const after = counts(t);
    expect(after.contacts).toBe(before.contacts);
    expect(after.events).toBe(before.events + 2);
    expect(t.backend.db.inTransaction).toBe(false);
    expect(t.backend.db.pragma('cache_size', { simple: true })).toBe(-65536);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('undo removes created contacts, retracts consents, restores changed contacts and keeps opt-outs', async () => {
    const t = setup();
    await t.call('contacts.add', { phone: '+79120000041', name: 'Kept Name' });
    await t.call('consent.record', {
      phone: '+79120000041',
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'import',
      occurredAt: '2024-01-01T00:00:00Z',
      evidence: { importBatchId: 'old', source: 'in-store paper form (from the old crm)' },
    });
    const text = [
      HEADER,
      'Changed,+79120000041,new@example.com,yes,2025-01-01,web,',
      'Brand new,+79120000042,,yes,2025-01-01,web,',
      'Opt out,+79120000043,,unsubscribed,,,',
    ].join('\n');
    const s = await importFile(t, writeFile(t, 'u.csv', text), { dryRun: false, merge: 'overwrite' });
    expect((await t.call('contacts.get', { phone: '+79120000041' })).contact.email).toBe('new@example.com');
    t.clock.advance(60_000);
    const undo = await t.call('import.undo', { batch: s.batch! });
    expect(undo).toMatchObject({ retracted: 2, contactsRemoved: 1, contactsRestored: 1, contactsKept: 1 });
    expect(undo.revocationsKept).toBeGreaterThan(0);
    const kept = await t.call('contacts.get', { phone: '+79120000041' });
    expect(kept.contact).toMatchObject({ name: 'Kept Name', email: null });
    // The earlier consent is back in force; the import's own grant is voided.
    expect(kept.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('granted');
    expect(kept.timeline.some((e) => e.action === 'retract')).toBe(true);
    await expect(t.call('contacts.get', { phone: '+79120000042' })).rejects.toThrow(/NOT_FOUND/);
    const out = await t.call('consent.status', { phone: '+79120000043' });
    expect(out.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('revoked');
    // What the register knew before the undo is still provable.
    const then = await t.call('consent.status', {
      phone: '+79120000042',
      knownAt: new Date(t.clock.now() - 30_000).toISOString(),
      at: '2025-06-01T00:00:00Z',
    });
    expect(then.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('granted');
    expect((await t.call('audit.verify', {})).ok).toBe(true);
    await expect(t.call('import.undo', { batch: s.batch! })).rejects.toThrow(/already undone/);
    expect((await t.call('register.rebuildProjection', {})).changed).toBe(0);
    // The number can come back later, with its history.
    await importFile(t, writeFile(t, 'again.csv', ['Name,Phone', 'Back,+79120000042'].join('\n')), { dryRun: false });
    expect((await t.call('contacts.get', { phone: '+79120000042' })).contact.name).toBe('Back');
  });
});

describe('what a commit writes of its new contacts', () => {
  it('writes each new contact once with the list columns a rebuild gives, over several steps, duplicates and a revived number', async () => {
    const t = setup();
    // A number an undone import took out of the register: it comes back under its old id, with its history.
    const first = await importFile(t, writeFile(t, 'first.csv', [HEADER, 'Was here,+79123009999,,yes,2025-01-02,web,'].join('\n')), {
      dryRun: false,
    });
    await t.call('import.undo', { batch: first.batch! });
    const header = 'Name,Phone,SMS consent,WhatsApp consent,Personal data consent,Consent date,Consent source,Do not contact';
    const sms = ['yes', 'no', 'unsubscribed', 'yes', '', 'claimed'];
    const rows: string[] = [];
    const phones = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      // Every 500th row repeats the number of the row before (the same step); the last rows repeat the first numbers
      // (a later step) and the revived one.
      const n = i % 500 === 7 ? i - 1 : i >= 2990 ? i - 2990 : i;
      const phone = i === 2999 ? '+79123009999' : `+7912300${String(n).padStart(4, '0')}`;
      phones.add(phone);
      rows.push(
        [
          i === 2500 ? 'Зинаида Ёлкина' : `Person ${i}`,
          phone,
          sms[i % sms.length],
          i % 4 === 0 ? 'yes' : '',
          i % 3 === 0 ? 'yes' : '',
          i % 6 === 5 ? '' : `2025-0${1 + (i % 9)}-1${i % 10}`,
          i % 7 === 0 ? '' : 'shop form',
          i % 97 === 0 ? 'yes' : '',
        ].join(','),
      );
    }
    const s = await importFile(t, writeFile(t, 'many.csv', [header, ...rows].join('\n')), { dryRun: false });
    expect(s.rejected).toBe(0);
    expect(s.merged).toBeGreaterThan(0);
    const db = t.backend.db;
    const columns = () =>
      db
        .prepare('SELECT id, consent_changed_at, sms_listed, sms_listed_until, wa_listed, wa_listed_until, pd_until FROM contacts ORDER BY id')
        .all() as { sms_listed: number; wa_listed: number; pd_until: number }[];
    const written = columns();
    expect(written.length).toBe(phones.size);
    // Every code the file gives is there: granted, unproven, revoked; WhatsApp and personal data alike.
    expect(new Set(written.map((c) => c.sms_listed))).toEqual(new Set([0, 1, 2, 5]));
    expect(written.some((c) => c.wa_listed === 1) && written.some((c) => c.pd_until > 0)).toBe(true);
    // The projection's rebuild finds nothing to change, and working the list columns out again from the cells neither.
    expect((await t.call('register.rebuildProjection', {})).changed).toBe(0);
    t.backend.ctx.consent.relistRange(0, Number.MAX_SAFE_INTEGER);
    expect(columns()).toEqual(written);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
    // Found by the name folded (ё as е), and the revived number kept its id and its earlier history.
    expect((await t.call('contacts.list', { query: 'елкина' })).contacts.map((c) => c.phone)).toEqual(['+79123002500']);
    const revived = await t.call('contacts.get', { phone: '+79123009999' });
    expect(revived.contact.id).toBe(1);
    expect(revived.timeline.some((e) => e.action === 'retract')).toBe(true);
    // The undo finds every contact the import wrote: those with an opt-out stay, the rest go.
    const undo = await t.call('import.undo', { batch: s.batch! });
    expect(undo.contactsRemoved + undo.contactsKept).toBe(phones.size);
    expect(undo.contactsKept).toBeGreaterThan(0);
    expect((db.prepare('SELECT count(*) AS n FROM contacts WHERE removed_at IS NULL').get() as { n: number }).n).toBe(undo.contactsKept);
  });
});

describe('export', () => {
  async function seedRegister(t: ReturnType<typeof setup>): Promise<void> {
    const form = await t.call('forms.create', {
      title: 'Акции',
      language: 'ru',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing', 'personal_data'],
      body: 'Я согласен получать рекламу от магазина по SMS и WhatsApp.',
    });
    const paper = { method: 'paper_form' as const, evidence: { formVersionId: form.id, sheetRef: 'S-0042' } };
    await t.call('contacts.add', { phone: '+79120000051', name: '=HYPERLINK("http://x","click")', email: 'a@example.com', tags: ['vip', 'ёлка'] });
    await t.call('consent.record', {
      phone: '+79120000051',
      channel: 'sms',
      purpose: 'personal_data',
      action: 'grant',
      occurredAt: '2025-01-01T10:00:00Z',
      ...paper,
    });
    await t.call('consent.record', {
      phone: '+79120000051',
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      occurredAt: '2025-01-01T10:00:00Z',
      ...paper,
    });
    await t.call('consent.record', {
      phone: '+79120000052',
      name: 'Отказ Петров',
      channel: 'whatsapp',
      purpose: 'marketing',
      action: 'revoke',
      occurredAt: '2025-02-01T00:00:00Z',
    });
    await t.call('consent.record', {
      phone: '+79120000053',
      name: '-Minus',
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
      occurredAt: '2025-03-01T00:00:00Z',
    });
    await t.call('contacts.add', { phone: '+79120000054', name: 'Plain @home', locale: 'en' });
  }

  it('round trip: export, then import into an empty register, gives the same contacts and consent state', async () => {
    const a = setup();
    await seedRegister(a);
    const exp = await a.call('export.create', { what: 'contacts' });
    expect(exp.rows).toBe(4);
    const text = readFileSync(a.backend.files.get(exp.fileId).path, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    // Formula-like cells are neutralised for spreadsheets.
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(text).toContain("'-Minus");
    expect(text).toContain("'+79120000051");

    const b = setup();
    const path = writeFile(b, 'export.csv', readFileSync(a.backend.files.get(exp.fileId).path));
    const info = await inspect(b, path);
    expect(info.preset?.id).toBe('optin-desk');
    const s = await importFile(b, path, { dryRun: false });
    expect(s.rejected).toBe(0);
    expect(await registerState(b)).toEqual(await registerState(a));
  });

  it('exports the suppression list and the history, and Windows-1251 with semicolons for old Excel', async () => {
    const t = setup();
    await seedRegister(t);
    const sup = await t.call('export.create', { what: 'suppression' });
    expect(readFileSync(t.backend.files.get(sup.fileId).path, 'utf8')).toBe("\uFEFFphone\r\n'+79120000052\r\n");
    const hist = await t.call('export.create', { what: 'history' });
    const lines = readFileSync(t.backend.files.get(hist.fileId).path, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(1 + (await t.call('audit.verify', {})).events);
    const legacy = await t.call('export.create', { what: 'contacts', encoding: 'windows-1251' });
    const bytes = readFileSync(t.backend.files.get(legacy.fileId).path);
    expect(bytes[0]).not.toBe(0xef);
    const decoded = iconv.decode(bytes, 'windows-1251');
    expect(decoded.split('\r\n')[0]).toMatch(/^phone;name;email;/);
    expect(decoded).toContain('Отказ Петров');
    expect(legacy.lossy).toBe(0);
  });

  it('answers for a past instant', async () => {
    const t = setup();
    await seedRegister(t);
    const past = await t.call('export.create', { what: 'contacts', at: '2025-01-15T00:00:00Z' });
    const text = readFileSync(t.backend.files.get(past.fileId).path, 'utf8');
    const header = text.replace('\uFEFF', '').split('\r\n')[0]!.split(',');
    const row52 = text
      .split('\r\n')
      .find((l) => l.includes('79120000052'))!
      .split(',');
    expect(row52[header.indexOf('whatsapp_marketing')]).toBe('none');
    const now = await t.call('export.create', { what: 'contacts' });
    const rowNow = readFileSync(t.backend.files.get(now.fileId).path, 'utf8')
      .split('\r\n')
      .find((l) => l.includes('79120000052'))!
      .split(',');
    expect(rowNow[header.indexOf('whatsapp_marketing')]).toBe('revoked');
  });
});

describe('mapping presets', () => {
  it('saves a corrected mapping under a name and applies it to the next file of that shape by itself', async () => {
    const t = setup();
    const path = writeFile(t, 'odd.csv', 'Клиент,Номер для рассылки,Метка\nАнна,+79120000061,a\n');
    const info = await inspect(t, path);
    const mapping: ColumnMapping[] = info.mapping.map((m) =>
      m.header === 'Номер для рассылки'
        ? { ...m, target: { field: 'mobile_phone' } }
        : m.header === 'Метка'
          ? { ...m, target: { field: 'tags' } }
          : m,
    );
    const saved = await t.call('import.savePreset', { name: 'Моя касса', mapping });
    expect(saved).toMatchObject({ kind: 'saved', name: 'Моя касса' });
    const next = await inspect(t, writeFile(t, 'odd2.csv', 'Клиент,Номер для рассылки,Метка\nБорис,+79120000062,b\n'));
    expect(next.preset?.id).toBe(saved.id);
    expect(next.mapping.find((m) => m.header === 'Номер для рассылки')?.target.field).toBe('mobile_phone');
    await t.call('import.deletePreset', { id: saved.id });
    expect((await inspect(t, path)).presets.some((p) => p.id === saved.id)).toBe(false);
  });
});

describe('uploads through the contract', () => {
  it('takes a file in chunks and reads a file back in chunks', async () => {
    const t = setup();
    const bytes = Buffer.from('Phone,Name\n+79120000071,Ann\n');
    const { uploadId } = await t.call('files.begin', { name: '../../etc/passwd.csv' });
    await t.call('files.append', { uploadId, offset: 0, data: bytes.subarray(0, 10).toString('base64') });
    await expect(t.call('files.append', { uploadId, offset: 0, data: bytes.subarray(10).toString('base64') })).rejects.toThrow(/expected 10/);
    await t.call('files.append', { uploadId, offset: 10, data: bytes.subarray(10).toString('base64') });
    const done = await t.call('files.finish', { uploadId });
    expect(done).toMatchObject({ name: 'passwd.csv', bytes: bytes.length });
    expect(t.backend.files.get(done.fileId).path.startsWith(join(t.dir, 'files'))).toBe(true);
    const back = await t.call('files.read', { fileId: done.fileId });
    expect(Buffer.from(back.data, 'base64').equals(bytes)).toBe(true);
    expect(await t.call('files.discard', { fileId: done.fileId })).toEqual({ discarded: true });
    await expect(t.call('files.read', { fileId: done.fileId })).rejects.toThrow(/NOT_FOUND/);
    expect(await t.call('files.discard', { fileId: done.fileId })).toEqual({ discarded: false });
  });
});

describe('real-format samples of every preset', () => {
  const dir = join(__dirname, '..', 'fixtures', 'import');
  // The country a shop using that tool would set for numbers typed without a country code.
  const expected: [file: string, preset: string | null, country: string][] = [
    ['google-contacts.csv', 'google-contacts', 'US'],
    ['google-contacts-legacy.csv', 'google-contacts', 'US'],
    ['outlook.csv', 'outlook', 'US'],
    ['apple-icloud.csv', 'apple-icloud', 'US'],
    ['hubspot.csv', 'hubspot', 'US'],
    ['salesforce.csv', 'salesforce', 'US'],
    ['zoho.csv', 'zoho', 'US'],
    ['mailchimp.csv', 'mailchimp', 'US'],
    ['shopify-customers.csv', 'shopify-customers', 'US'],
    ['bitrix24-ru.csv', 'bitrix24', 'RU'],
    ['bitrix24-en.csv', 'bitrix24-en', 'US'],
    ['amocrm-ru.csv', 'amocrm', 'RU'],
    ['amocrm-en.csv', 'amocrm-en', 'US'],
    ['generic-ru.csv', null, 'RU'],
    ['generic-en.csv', null, 'GB'],
  ];
  it.each(expected)('%s is recognised and imports by itself', async (file, preset, defaultCountry) => {
    const t = setup();
    const path = join(dir, file);
    const info = await inspect(t, path);
    expect(info.preset?.id ?? null).toBe(preset);
    const s = await importFile(t, path, { dryRun: false, defaultCountry });
    expect(s.rows).toBeGreaterThan(3);
    // The only rows refused are contacts kept without any phone (e-mail only), or with a number typed in another
    // country's national form, which no single default country can read (the report names each).
    for (const e of s.errors) expect(e.reason).toMatch(/^no phone number$|^no valid phone number: .* not a valid number for its country$/);
    expect(s.rejected).toBeLessThanOrEqual(2);
    // "Do not contact" rows also create contacts for the person's other numbers, to hold the opt-out.
    expect(s.created + s.merged + s.rejected).toBeGreaterThanOrEqual(s.rows);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });
});

describe('a crash in the middle of an import', () => {
  it('leaves the register exactly as before (the CLI killed while committing)', async () => {
    const t = setup();
    await t.call('contacts.add', { phone: '+79129999998', name: 'Before' });
    const before = counts(t);
    t.backend.close();
    const lines = [HEADER];
    for (let i = 0; i < 150_000; i++) lines.push(`P${i},+7913${String(1000000 + i)},,yes,2025-01-01,web,`);
    const file = writeFile(t, 'huge.csv', lines.join('\n'));
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'bin', 'optin.js'), 'import', file, '--db', t.dbPath], { stdio: 'ignore' });
    // Kill it once the import's transaction has started writing (the WAL grows), well before it can commit.
    const { statSync, existsSync } = await import('node:fs');
    const wal = `${t.dbPath}-wal`;
    const start = Date.now();
    while (Date.now() - start < 60_000) {
      if (existsSync(wal) && statSync(wal).size > 2_000_000) break;
      await new Promise((ok) => setTimeout(ok, 20));
    }
    const exited = new Promise<NodeJS.Signals | null>((ok) => child.once('exit', (_code, signal) => ok(signal)));
    child.kill('SIGKILL');
    // Killed, not finished: the import had not committed.
    expect(await exited).toBe('SIGKILL');
    const { createBackend } = await import('../../electron/core/backend');
    const reopened = createBackend({ dbPath: t.dbPath });
    const n = (sql: string): number => (reopened.db.prepare(sql).get() as { n: number }).n;
    expect({
      contacts: n('SELECT count(*) AS n FROM contacts WHERE removed_at IS NULL'),
      events: n('SELECT count(*) AS n FROM consent_events'),
      batches: n('SELECT count(*) AS n FROM import_batches'),
    }).toEqual({ contacts: before.contacts, events: before.events, batches: 0 });
    expect((await reopened.dispatch('audit.verify', {})).ok && true).toBe(true);
    reopened.close();
  }, 120_000);
});

describe('round trip (property)', () => {
  it('any register exported and imported into an empty register keeps its contacts and consent state', async () => {
    type Step = {
      kind: 'grant' | 'revoke' | 'claim' | 'request';
      channel: 'sms' | 'whatsapp';
      purpose: 'marketing' | 'service' | 'personal_data';
      day: number;
    };
    const step: fc.Arbitrary<Step> = fc.record({
      kind: fc.constantFrom('grant', 'revoke', 'claim', 'request'),
      channel: fc.constantFrom('sms', 'whatsapp'),
      purpose: fc.constantFrom('marketing', 'service', 'personal_data'),
      // Some consents old enough to have expired under the pack (1,095 days), most not.
      day: fc.integer({ min: 0, max: 1400 }),
    });
    const person = fc.record({
      name: fc.constantFrom('Анна', '=Formula', '+Plus', "O'Brien, Jr.", 'Line\nBreak', ''),
      steps: fc.array(step, { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 5 }), async (people) => {
        const a = setup();
        const form = await a.call('forms.create', {
          title: 'Всё',
          language: 'ru',
          channels: ['sms', 'whatsapp'],
          purposes: ['marketing', 'service', 'personal_data'],
          body: 'Я согласен получать сообщения магазина по SMS и WhatsApp.',
        });
        for (const [i, p] of people.entries()) {
          const phone = `+7912300${String(1000 + i)}`;
          await a.call('contacts.add', { phone, name: p.name.replace(/\n/g, ' ') || 'X' });
          for (const s of p.steps) {
            const occurredAt = new Date(a.clock.now() - s.day * 86_400_000).toISOString();
            const base = { phone, channel: s.channel, purpose: s.purpose, occurredAt };
            if (s.kind === 'revoke') await a.call('consent.record', { ...base, action: 'revoke' });
            else if (s.kind === 'claim') await a.call('consent.record', { ...base, action: 'claim', method: 'import' });
            else if (s.kind === 'request')
              await a.call('consent.record', {
                ...base,
                action: 'request',
                method: 'paper_form',
                evidence: { formVersionId: form.id, sheetRef: 'S-1' },
              });
            else
              await a.call('consent.record', {
                ...base,
                action: 'grant',
                method: 'paper_form',
                evidence: { formVersionId: form.id, sheetRef: 'S-1' },
              });
          }
        }
        const exp = await a.call('export.create', { what: 'contacts' });
        const b = setup();
        const path = writeFile(b, 'rt.csv', readFileSync(a.backend.files.get(exp.fileId).path));
        const s = await importFile(b, path, { dryRun: false });
        expect(s.rejected).toBe(0);
        const before = await registerState(a);
        const after = await registerState(b);
        // One history an export cannot carry: a withdrawal, then a request that reopened the cell, lapsed and
        // was followed by an unproven claim. The file shows the withdrawal and the claim, so the import keeps the
        // withdrawal (a claim never overrides one): the cell comes back revoked, never less safe than it was.
        for (const [phone, c] of before) {
          for (const [key, cell] of Object.entries(c.cells)) {
            const back = after.get(phone)?.cells[key];
            if (cell.status === 'unproven' && back?.status === 'revoked') c.cells[key] = back;
          }
        }
        expect(after).toEqual(before);
      }),
      { numRuns: Number(process.env.ROUND_TRIP_RUNS ?? 20) },
    );
  }, 300_000);
});

/**
 * Files in, files out (issue #15 §4): malformed CSV files that used to import silently wrong, and the export's
 * round trip. Each fixture in test/fixtures/import/malformed/ is described in its README.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { scopedBackend } from '../support/backend';
import { importFile, inspect, runImport, writeFile } from '../support/imports';
import { optin } from '../support/cli';

const setup = scopedBackend;
const FIXTURES = join(__dirname, '..', 'fixtures', 'import', 'malformed');
const fixture = (name: string): string => join(FIXTURES, name);

type T = ReturnType<typeof setup>;

function count(t: T, sql: string): number {
  return (t.backend.db.prepare(sql).get() as { n: number }).n;
}

/** The report's lines (after its header) as [row, problem, reason]. */
function reportLines(t: T, fileId: string | null): [string, string, string][] {
  if (!fileId) return [];
  const text = readFileSync(t.backend.files.get(fileId).path, 'utf8').replace(/^\uFEFF/, '');
  const out: [string, string, string][] = [];
  for (const line of text.split('\r\n').slice(1)) {
    if (line === '') continue;
    // The report's first three cells never hold a comma except inside the quoted reason.
    const m = /^(\d+),(\w+),("(?:[^"]|"")*"|[^,]*)/.exec(line);
    if (m) out.push([m[1]!, m[2]!, m[3]!.startsWith('"') ? m[3]!.slice(1, -1).replace(/""/g, '"') : m[3]!]);
  }
  return out;
}

async function names(t: T): Promise<string[]> {
  return (await t.call('contacts.list', { limit: 100 })).contacts.map((c) => c.name).sort();
}

describe('a quote that never closes is never a silent 0', () => {
  it('a header with an unclosed quote is refused naming line 1; nothing is recorded', async () => {
    const t = setup();
    const path = fixture('header-unclosed-quote.csv');
    await expect(inspect(t, path)).rejects.toThrow(/line 1.*quote.*never closed|quote.*never closed.*line 1/);
    const info = await t.call('import.inspect', { fileId: t.backend.files.adopt(fixture('excel-sep.csv')).id });
    // The same through import.start with any mapping: the job fails with the reason, and no batch is recorded.
    const job = await t.call('import.start', {
      fileId: t.backend.files.adopt(path).id,
      mapping: [{ column: 0, header: 'Name', target: { field: 'phone' } }],
      dryRun: false,
    });
    const end = await t.backend.jobs.wait(job.jobId);
    expect(info.headers).toEqual(['Name', 'Phone', 'Email']);
    expect(end.state).toBe('failed');
    expect(end.error?.message).toMatch(/line 1/);
    expect(count(t, 'SELECT count(*) AS n FROM import_batches')).toBe(0);
    expect(count(t, 'SELECT count(*) AS n FROM contacts')).toBe(0);
  });

  it('the CLI exits 1 with the reason, and records no batch', async () => {
    const t = setup();
    t.backend.close();
    const r = await optin(t.dbPath, 'import', fixture('header-unclosed-quote.csv'), '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 1/);
    const again = await optin(t.dbPath, 'import', 'undo', '1');
    expect(again.err).toMatch(/no import batch 1/);
  });

  it('an import that reads no data row from a non-empty file is refused with a reason; nothing recorded', async () => {
    const t = setup();
    const job = await runImport(t, writeFile(t, 'header-only.csv', 'Name,Phone,Email\r\n\r\n'), { dryRun: false });
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/no data rows/);
    expect(count(t, 'SELECT count(*) AS n FROM import_batches')).toBe(0);
  });

  it('a multi-line note that swallows the next rows is reported naming the lines (last column: a warning)', async () => {
    const t = setup();
    const s = await importFile(t, fixture('note-swallows-rows.csv'), { dryRun: false });
    expect(await names(t)).toEqual(['Anna Note', 'Clara Note']);
    const warnings = reportLines(t, s.reportFileId).filter(([, p]) => p === 'warning');
    expect(warnings.some(([row, , reason]) => row === '2' && /line 3/.test(reason) && /Boris Note/.test(reason))).toBe(true);
  });

  it('a quote opened in a middle column that swallows a row rejects the row (its later cells belong to another line)', async () => {
    const t = setup();
    const s = await importFile(t, fixture('note-swallows-middle.csv'), { dryRun: false });
    // Anna's row would otherwise take Boris's number.
    expect(await names(t)).toEqual(['Clara Mid']);
    expect(s.errors).toEqual([
      { row: 2, reason: expect.stringMatching(/lines? 2.*3|line 3/), said: expect.objectContaining({ key: 'importRow.quoteHoldsRows' }) },
    ]);
  });

  it('a quote never closed to the end of the file rejects its row naming the line it opened on', async () => {
    const t = setup();
    const s = await importFile(t, fixture('note-never-closed.csv'), { dryRun: false });
    expect(s.errors).toEqual([
      {
        row: 2,
        reason: expect.stringMatching(/never closed.*line 2/),
        said: expect.objectContaining({ key: expect.stringMatching(/^importRow\.quoteUnclosed/) }),
      },
    ]);
    expect(await names(t)).toEqual([]);
    // Not a silent loss: the swallowed people are named.
    expect(s.errors[0]!.reason).toMatch(/Boris Open/);
  });
});

describe('where the header is', () => {
  it('honours an Excel "sep=;" first line', async () => {
    const t = setup();
    const info = await inspect(t, fixture('excel-sep.csv'));
    expect(info).toMatchObject({ delimiter: ';', headers: ['Name', 'Phone', 'Email'], headerRow: 1 });
    const s = await importFile(t, fixture('excel-sep.csv'), { dryRun: false });
    expect(s).toMatchObject({ rows: 2, created: 2, rejected: 0 });
  });

  it('finds the header below preamble lines', async () => {
    const t = setup();
    const info = await inspect(t, fixture('preamble.csv'));
    expect(info).toMatchObject({ delimiter: ',', headers: ['Name', 'Phone', 'Email'], headerRow: 4 });
    expect(info.sample[0]).toEqual(['Anna Pre', '+79161230031', 'anna.pre@example.com']);
    const s = await importFile(t, fixture('preamble.csv'), { dryRun: false });
    expect(s).toMatchObject({ rows: 2, created: 2, rejected: 0 });
    expect(await names(t)).toEqual(['Anna Pre', 'Boris Pre']);
  });

  it('the CLI imports both without --map, and takes --header-row N for a header it cannot recognise', async () => {
    const t = setup();
    t.backend.close();
    const sep = await optin(t.dbPath, 'import', fixture('excel-sep.csv'), '--json');
    expect(sep.err).toBe('');
    expect(sep.json()).toMatchObject({ created: 2, rejected: 0 });
    const pre = await optin(t.dbPath, 'import', fixture('preamble.csv'), '--json');
    expect(pre.json()).toMatchObject({ created: 2, rejected: 0 });
    const map = JSON.stringify({ Client: 'name', 'Number for mailings': 'mobile_phone' });
    const unknown = await optin(t.dbPath, 'import', fixture('preamble-unknown-header.csv'), '--header-row', '3', '--map', map, '--json');
    expect(unknown.err).toBe('');
    expect(unknown.json()).toMatchObject({ rows: 2, created: 2, rejected: 0 });
    const bad = await optin(t.dbPath, 'import', fixture('preamble.csv'), '--header-row', 'x');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--header-row/);
  });

  it('import.inspect takes a header row and the import reads from the row below it', async () => {
    const t = setup();
    const info = await inspect(t, fixture('preamble-unknown-header.csv'), { headerRow: 3 });
    expect(info).toMatchObject({ headerRow: 3, headers: ['Client', 'Number for mailings', 'Card'] });
    const mapping = info.mapping.map((m) => (m.column === 1 ? { ...m, target: { field: 'mobile_phone' as const } } : m));
    const job = await t.call('import.start', { fileId: info.fileId, mapping, dryRun: false });
    const end = await t.backend.jobs.wait(job.jobId);
    expect(end.summary).toMatchObject({ rows: 2, created: 2, rejected: 0 });
  });
});

describe('bytes and line ends', () => {
  it('one NUL byte is stripped with a warning naming its line; a real binary is still refused', async () => {
    const t = setup();
    const s = await importFile(t, fixture('one-nul.csv'), { dryRun: false });
    expect(s).toMatchObject({ rows: 2, created: 2, rejected: 0 });
    expect(await names(t)).toEqual(['Anna Nul', 'Boris Nul']);
    expect(
      reportLines(t, s.reportFileId).some(([row, p, reason]) => row === '2' && p === 'warning' && /NUL/.test(reason) && /line 2/.test(reason)),
    ).toBe(true);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600), Buffer.from('IHDR,IEND\n')]);
    await expect(inspect(t, writeFile(t, 'picture.csv', png))).rejects.toThrow(/UNREADABLE_FILE: .*binary/);
    const zeros = Buffer.concat([Buffer.from('Name,Phone\n'), Buffer.alloc(300), Buffer.from('Ann,+79161230041\n')]);
    await expect(inspect(t, writeFile(t, 'zeros.csv', zeros))).rejects.toThrow(/UNREADABLE_FILE: .*binary/);
  });

  it('mixed CRLF and LF line ends read every row', async () => {
    const t = setup();
    const s = await importFile(t, fixture('mixed-eol.csv'), { dryRun: false });
    expect(s).toMatchObject({ rows: 3, created: 3, rejected: 0 });
    expect(await names(t)).toEqual(['Anna Eol', 'Boris Eol', 'Clara Eol']);
  });

  it('a lone CR inside a row after LF rows is a line end too, and a CR inside quotes stays in the value', async () => {
    const t = setup();
    const path = writeFile(t, 'cr.csv', 'Name,Phone\nAnna Cr,+79161230054\rBoris Cr,+79161230055\n"Clara\rCr",+79161230056\n');
    const s = await importFile(t, path, { dryRun: false });
    expect(s).toMatchObject({ rows: 3, created: 3, rejected: 0 });
    expect(await names(t)).toEqual(['Anna Cr', 'Boris Cr', 'Clara\rCr']);
  });

  it('headers that differ only in case or spaces are warned about, naming both', async () => {
    const t = setup();
    const s = await importFile(t, fixture('similar-headers.csv'), { dryRun: false });
    const reasons = reportLines(t, s.reportFileId)
      .filter(([, p]) => p === 'warning')
      .map(([, , r]) => r);
    expect(reasons.some((r) => r.includes('"Phone"') && r.includes('"phone "'))).toBe(true);
    expect(reasons.some((r) => r.includes('"Mobile Phone"') && r.includes('"MobilePhone"'))).toBe(true);
    expect(s.created).toBe(1);
  });
});

describe('export: what goes out comes back exactly', () => {
  it('a value starting with NUL gets the leading quote mark, and comes back unchanged', async () => {
    const a = setup();
    await a.call('contacts.add', { phone: '+79161230071', name: '\u0000=1+2' });
    const exp = await a.call('export.create', { what: 'contacts' });
    const text = readFileSync(a.backend.files.get(exp.fileId).path, 'utf8');
    expect(text).toContain("'\u0000=1+2");
    const b = setup();
    await importFile(b, writeFile(b, 'back.csv', readFileSync(a.backend.files.get(exp.fileId).path)), { dryRun: false });
    expect((await b.call('contacts.get', { phone: '+79161230071' })).contact.name).toBe('\u0000=1+2');
  });

  it("values starting with ' keep it on a round trip ('=foo stays '=foo)", async () => {
    const a = setup();
    await a.call('contacts.add', { phone: '+79161230072', name: "'=foo", tags: ["'+tag", 'plain'], externalId: "'-1" });
    const exp = await a.call('export.create', { what: 'contacts' });
    const b = setup();
    await importFile(b, writeFile(b, 'back.csv', readFileSync(a.backend.files.get(exp.fileId).path)), { dryRun: false });
    const c = (await b.call('contacts.get', { phone: '+79161230072' })).contact;
    expect({ name: c.name, tags: c.tags, externalId: c.externalId }).toEqual({ name: "'=foo", tags: ["'+tag", 'plain'], externalId: "'-1" });
  });

  it('consent times keep their milliseconds', async () => {
    const a = setup();
    await a.call('consent.record', {
      phone: '+79161230073',
      channel: 'sms',
      purpose: 'marketing',
      action: 'revoke',
      occurredAt: '2025-06-01T10:20:30.456Z',
    });
    const exp = await a.call('export.create', { what: 'contacts' });
    expect(readFileSync(a.backend.files.get(exp.fileId).path, 'utf8')).toContain('2025-06-01T10:20:30.456Z');
    const b = setup();
    await importFile(b, writeFile(b, 'back.csv', readFileSync(a.backend.files.get(exp.fileId).path)), { dryRun: false });
    const cell = (await b.call('consent.status', { phone: '+79161230073' })).consents.find((x) => x.channel === 'sms' && x.purpose === 'marketing');
    expect(cell).toMatchObject({ status: 'revoked', since: '2025-06-01T10:20:30.456Z' });
  });

  it('property: any names, tags and ids, and consent instants to the millisecond, survive export → import into an empty register', async () => {
    // Strings built mostly from the characters that break CSV and spreadsheets, plus any unicode.
    const special = fc.constantFrom('"', ',', ';', '\t', '|', '\n', '\r', '\r\n', '=', '+', '-', '@', "'", '\u0000', ':::', '*', ' ', 'sep=', '""');
    const piece = fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 }));
    const text = (max: number) => fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('').slice(0, max));
    const person = fc.record({
      name: text(200),
      externalId: text(200),
      tags: fc.array(text(64), { maxLength: 4 }),
      // Instants anywhere in the last ten years, to the millisecond.
      grantedAgo: fc.option(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), { nil: undefined }),
      revokedAgo: fc.option(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 4 }), async (people) => {
        const a = setup();
        const form = await a.call('forms.create', {
          title: 'All',
          language: 'en',
          channels: ['sms', 'whatsapp'],
          purposes: ['marketing'],
          body: 'I agree to receive offers from the shop by SMS and WhatsApp. Reply STOP to stop.',
        });
        for (const [i, p] of people.entries()) {
          const phone = `+7916124${String(1000 + i)}`;
          const tags = [...new Set(p.tags.map((x) => x.trim()).filter((x) => x !== ''))];
          const externalId = p.externalId.trim();
          await a.call('contacts.add', { phone, name: p.name, ...(tags.length ? { tags } : {}), ...(externalId ? { externalId } : {}) });
          if (p.grantedAgo !== undefined)
            await a.call('consent.record', {
              phone,
              channel: 'sms',
              purpose: 'marketing',
              action: 'grant',
              method: 'paper_form',
              evidence: { formVersionId: form.id, sheetRef: 'S-1' },
              occurredAt: new Date(a.clock.now() - p.grantedAgo).toISOString(),
            });
          if (p.revokedAgo !== undefined)
            await a.call('consent.record', {
              phone,
              channel: 'whatsapp',
              purpose: 'marketing',
              action: 'revoke',
              occurredAt: new Date(a.clock.now() - p.revokedAgo).toISOString(),
            });
        }
        const exp = await a.call('export.create', { what: 'contacts' });
        const b = setup();
        const path = join(b.dir, 'rt.csv');
        copyFileSync(a.backend.files.get(exp.fileId).path, path);
        const s = await importFile(b, path, { dryRun: false });
        expect(s.rejected).toBe(0);
        for (const i of people.keys()) {
          const phone = `+7916124${String(1000 + i)}`;
          const before = await a.call('contacts.get', { phone });
          const after = await b.call('contacts.get', { phone });
          expect({ name: after.contact.name, tags: after.contact.tags, externalId: after.contact.externalId }).toEqual({
            name: before.contact.name,
            tags: before.contact.tags,
            externalId: before.contact.externalId,
          });
          const since = (r: typeof before) =>
            r.consents.filter((c) => c.status !== 'none' && c.purpose === 'marketing').map((c) => `${c.channel}:${c.status}:${c.since}`);
          // Old grants may have expired under the pack; the state and its instant must be the same either way.
          expect(since(after).sort()).toEqual(since(before).sort());
        }
      }),
      { numRuns: Number(process.env.ROUND_TRIP_RUNS ?? 40) },
    );
  }, 300_000);
});

describe('the fixtures stay as written', () => {
  it('keep their bytes (a NUL, CR and LF mixed) — no editor or git setting has rewritten them', () => {
    expect(readFileSync(fixture('one-nul.csv')).includes(0)).toBe(true);
    const eol = readFileSync(fixture('mixed-eol.csv'), 'latin1');
    expect(eol.includes('\r\n') && /[^\r]\n/.test(eol)).toBe(true);
    writeFileSync(join(setup().dir, 'ok'), '');
  });
});

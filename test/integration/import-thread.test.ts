import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { runImport, type ImportProgress, type RunControl } from '../../electron/core/intake/import';
import { readRowSteps, type RowsJob } from '../../electron/core/intake/rows';
import { ReadingThreadOutOfMemory, readRowStepsInThread } from '../../electron/core/intake/rows-thread';
import { sniffFile } from '../../electron/core/intake/reader';
import { getPolicyPack } from '../../shared/domain/policy/policy';
import { autoMap } from '../../shared/domain/csv/presets';
import { scopedBackend } from '../support/backend';
import { writeFile } from '../support/imports';

/**
 * A large import reads and interprets its file on a thread of its own (electron/core/intake/rows-thread.ts) while the
 * register writes the rows before. Whichever thread reads it, the same file must leave the same register, the same
 * summary and the same report; progress, cancel and the file's errors must work the same; and a thread that runs out
 * of memory must not lose the import.
 */

const digits = (i: number) => String(10_000_000 + i).slice(1);
const phone = (i: number) => `8 (912) ${digits(i).slice(0, 3)}-${digits(i).slice(3, 5)}-${digits(i).slice(5)}`;

/** A CRM export as shops send them: Cyrillic, blank lines, numbers met twice, rows that are refused, a footer. */
function messyCsv(rows: number): string {
  const lines = ['Name,Phone,Email,SMS consent,Consent date,Consent source,Tags'];
  for (let i = 1; i <= rows; i++) {
    const n = i % 97 === 0 ? i - 1 : i; // some numbers come twice
    const consent = ['yes', 'no', 'unsubscribed', '', 'да'][i % 5];
    const date = i % 11 === 0 ? '31.02.2025' : i % 13 === 0 ? '2031-01-01' : `2025-0${1 + (i % 9)}-1${i % 10}`;
    if (i % 101 === 0) lines.push('');
    if (i % 89 === 0) lines.push(`Клиент ${i},${phone(n)},too,many,cells,here,x,y`);
    else if (i % 83 === 0) lines.push(`Клиент ${i},12,,yes,2025-01-01,,`);
    else if (i % 71 === 0) lines.push(`"Клиент ""${i}""\nвторая строка",${phone(n)},c${i}@example.com,${consent},${date},"магазин, касса",vip`);
    else
      lines.push(
        `Клиент ${i % 400},${phone(n)},${i % 3 ? `c${i}@example.com` : ''},${consent},${date},${i % 4 ? 'анкета' : ''},${i % 2 ? 'vip;опт' : ''}`,
      );
  }
  lines.push('Сформировано CRM 06.12.2026');
  return lines.join('\r\n');
}

async function shop() {
  const t = scopedBackend();
  await t.call('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'ru' });
  return t;
}

type Shop = Awaited<ReturnType<typeof shop>>;

async function importWith(t: Shop, path: string, dryRun: boolean, control: RunControl) {
  const stored = t.backend.files.adopt(path);
  const { mapping } = autoMap((await sniffFile(path)).headers);
  return runImport(t.backend.ctx, t.backend.files, stored, { mapping, merge: 'fill_blanks', actor: 'Owner' }, dryRun, control);
}

/** Every table of the register, row by row (but the register's own id and birth, which each new register draws). */
function registerRows(t: Shop): Record<string, unknown[]> {
  const db = t.backend.db;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'register_meta' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}"`).raw().all()]));
}

function reportText(t: Shop, id: string | null): string | null {
  return id === null ? null : readFileSync(t.backend.files.get(id)!.path, 'utf8');
}

describe('an import read on its own thread', () => {
  for (const encoding of ['utf8', 'win1251']) {
    it(`leaves the same register, summary and report as one read in the register's thread (${encoding})`, async () => {
      const text = messyCsv(3000);
      const results = [];
      for (const rowsInThread of [false, true]) {
        const t = await shop();
        const path = writeFile(t, 'crm.csv', text, encoding);
        const preview = await importWith(t, path, true, { rowsInThread });
        const summary = await importWith(t, path, false, { rowsInThread });
        results.push({
          preview: { ...preview, reportFileId: undefined },
          previewReport: reportText(t, preview.reportFileId),
          summary: { ...summary, reportFileId: undefined },
          report: reportText(t, summary.reportFileId),
          register: registerRows(t),
        });
      }
      const [inline, threaded] = results;
      // The file is messy enough to reach every kind of row.
      expect(inline!.summary.rejected).toBeGreaterThan(50);
      expect(inline!.summary.warnings).toBeGreaterThan(50);
      expect(inline!.summary.merged).toBeGreaterThan(10);
      expect(inline!.summary.revocations).toBeGreaterThan(100);
      expect(inline!.summary.warningGroups.map((g) => g.kind)).toContain('footer_skipped');
      expect(inline!.report).toContain('вторая строка');
      expect(threaded).toEqual(inline);
    });
  }

  it('reports progress up to the whole file', async () => {
    const t = await shop();
    const path = writeFile(t, 'crm.csv', messyCsv(3000));
    const seen: ImportProgress[] = [];
    const summary = await importWith(t, path, false, { rowsInThread: true, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
    }
    expect(seen.at(-1)).toEqual({ bytesRead: seen[0]!.totalBytes, totalBytes: seen[0]!.totalBytes, rows: summary.rows });
  });

  it('stops on cancel, writes nothing and ends the thread', async () => {
    const t = await shop();
    const path = writeFile(t, 'crm.csv', messyCsv(3000));
    const abort = new AbortController();
    const failed = await importWith(t, path, false, { rowsInThread: true, signal: abort.signal, onProgress: () => abort.abort() }).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe('CANCELLED');
    const rows = registerRows(t);
    expect(rows.contacts).toEqual([]);
    expect(rows.consent_events).toEqual([]);
    expect(rows.import_batches).toEqual([]);
    // The register takes the same file afterwards.
    expect((await importWith(t, path, false, { rowsInThread: true })).rows).toBe(3000);
  });

  it("brings the file's errors across with their key", async () => {
    const t = await shop();
    const path = writeFile(t, 'crm.csv', messyCsv(10));
    const sniff = await sniffFile(path);
    const job: RowsJob = {
      path: `${path}.gone`,
      sniff,
      mapping: autoMap(sniff.headers).mapping,
      rowCtx: { defaultCountry: 'RU', timeZone: 'Europe/Moscow', policy: getPolicyPack('ru'), now: Date.now() },
    };
    const drain = async (steps: AsyncGenerator<unknown>) => {
      for await (const _ of steps);
    };
    const here = await drain(readRowSteps(job)).catch((e: unknown) => e);
    const there = await drain(readRowStepsInThread(job)).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(AppError);
    expect(there).toBeInstanceOf(AppError);
    for (const e of [here, there] as AppError[]) {
      expect(e.code).toBe('UNREADABLE_FILE');
      expect(e.key).toBe('imports.unreadable');
      expect(e.message).toContain('ENOENT');
    }
    expect((there as AppError).params).toEqual((here as AppError).params);
  });

  it('reads the file again in its own thread when the reading thread runs out of memory', async () => {
    // A quote left open on the second row holds the rest of the file in one value: more than the thread's heap.
    const tail = Array.from({ length: 60_000 }, (_, i) => `Клиент ${i},${phone(i)},c${i}@example.com,yes,2025-01-01,анкета,vip`);
    const text = ['Name,Phone,Email,SMS consent,Consent date,Consent source,Tags', `"Открытая кавычка,${phone(1)},,yes,2025-01-01,,`, ...tail].join(
      '\r\n',
    );
    const results = [];
    for (const control of [{ rowsInThread: false }, { rowsInThread: true, rowsThreadHeapMb: 8 }]) {
      const t = await shop();
      const summary = await importWith(t, writeFile(t, 'crm.csv', text), false, control);
      results.push({ summary: { ...summary, reportFileId: undefined }, report: reportText(t, summary.reportFileId), register: registerRows(t) });
    }
    expect(results[0]!.summary.rejected).toBe(1);
    // The thread did run out: the same file read there alone says so.
    const t = await shop();
    const path = writeFile(t, 'crm.csv', text);
    const sniff = await sniffFile(path);
    const job: RowsJob = {
      path,
      sniff,
      mapping: autoMap(sniff.headers).mapping,
      rowCtx: { defaultCountry: 'RU', timeZone: 'Europe/Moscow', policy: getPolicyPack('ru'), now: Date.now() },
    };
    const drained = await (async () => {
      for await (const _ of readRowStepsInThread(job, undefined, 8));
    })().catch((e: unknown) => e);
    expect(drained).toBeInstanceOf(ReadingThreadOutOfMemory);
    expect(results[1]).toEqual(results[0]);
  });
});

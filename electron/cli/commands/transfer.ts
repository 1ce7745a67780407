import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Backend } from '../../core/backend';
import { ColumnMapping, type ImportJob, type ImportSummary } from '../../../shared/contract/api';
import { AppError, type ApiError } from '../../../shared/contract/errors';
import { isMessageKey } from '../../../shared/contract/messages.en';
import { CsvParser } from '../../../shared/domain/csv/parse';
import { MAX_HEADER_ROW } from '../../../shared/domain/csv/header';
import { UsageError, asChoice, asId } from '../args';
import { ref, renderSaid, type SaidRef } from '../../../shared/contract/said';
import { command, type Command, type Ctx, type Flag, type Group, type Outcome } from '../spec';
import { backendOf, checkWritable, deliver, staffFlag } from './common';

/** A refusal by key (a usage one, or the register's own AppError), printed like any other. */
const refuse = (err: AppError, code: ApiError['code'] = err.code): Outcome => ({ ok: false, error: { ...err.toApiError(), code } });

const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', tab: '\t', '\\t': '\t', '\t': '\t', '|': '|' };

/** --delimiter: a separator by its character, or tab. */
const delimiter = (summary: string): Flag => ({
  name: 'delimiter',
  value: "','|';'|tab|'|'",
  summary,
  field: 'delimiter',
  as: (raw, flag) => {
    const d = DELIMITERS[String(raw)];
    if (!d) throw new UsageError('cli.delimiter', { flag, value: String(raw) });
    return d;
  },
});

/** The first problem zod found, by its key when the contract gave one (its own words otherwise). */
function issueOf(e: z.ZodError): string | SaidRef {
  const m = e.issues[0]?.message ?? '';
  return isMessageKey(m) ? ref(m) : m || ref('input.invalid');
}

/** `--map` accepts the contract's mapping array, or an object of header → field (e.g. {"Телефон":"phone"}). */
function parseMap(text: string, headers: string[]): z.infer<typeof ColumnMapping>[] | UsageError {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return new UsageError('cli.mapNotJson');
  }
  if (Array.isArray(raw)) {
    const r = z.array(ColumnMapping).safeParse(raw);
    return r.success ? r.data : new UsageError('cli.mapInvalid', { path: r.error.issues[0]?.path.join('.') ?? '', problem: issueOf(r.error) });
  }
  if (raw && typeof raw === 'object') {
    const out: z.infer<typeof ColumnMapping>[] = [];
    for (const [header, spec] of Object.entries(raw as Record<string, unknown>)) {
      const column = headers.findIndex((h) => h.trim().toLowerCase() === header.trim().toLowerCase());
      if (column < 0) return new UsageError('cli.mapNoColumn', { header, headers: headers.slice(0, 12).join(', ') });
      const target = typeof spec === 'string' ? { field: spec } : spec;
      const r = ColumnMapping.safeParse({ column, header: headers[column], target });
      if (!r.success) return new UsageError('cli.mapBadTarget', { header, problem: issueOf(r.error) });
      out.push(r.data);
    }
    return out;
  }
  return new UsageError('cli.mapNotArrayOrObject');
}

/** Plain-text figures of an import; `warnings` are the first of the report's warnings, `headerRow` where the header was. */
export function formatImport(s: ImportSummary, dryRun: boolean, warnings: { row: number; reason: string }[] = [], headerRow = 1): string {
  const lines = [
    `${dryRun ? 'dry run — nothing written' : `import batch ${s.batch}`}: ${s.file.name} (${s.file.encoding}, delimiter ${JSON.stringify(s.file.delimiter)}${
      headerRow > 1 ? `, header on row ${headerRow}` : ''
    })`,
    `rows ${s.rows}  new ${s.created}  updated ${s.updated}  merged ${s.merged}  unchanged ${s.unchanged}  rejected ${s.rejected}`,
    `consents granted ${s.consentsGranted}  unproven claims ${s.claims}  pending ${s.requests}  revocations ${s.revocations}  warnings ${s.warnings}`,
    ...s.errors.slice(0, 20).map((e) => `  row ${e.row}: ${e.reason}`),
  ];
  if (s.rejected > 20) lines.push(`  … ${s.rejected - 20} more rejected rows in the report`);
  for (const w of warnings) lines.push(`  row ${w.row}: warning: ${w.reason}`);
  if (s.warnings > warnings.length && warnings.length > 0) lines.push(`  … ${s.warnings - warnings.length} more warnings in the report`);
  return lines.join('\n');
}

/** The first warnings of an import's report that concern the file itself (quotes, NULs, headers), for the terminal. */
function fileWarnings(path: string, limit = 10): { row: number; reason: string }[] {
  const text = readFileSync(path, 'utf8').slice(0, 1 << 20);
  const out: { row: number; reason: string }[] = [];
  const parser = new CsvParser(',');
  const records = parser.push(text.replace(/^\uFEFF/, ''));
  if (text.length < 1 << 20) parser.end(records);
  for (const r of records.slice(1)) {
    const [row, problem, reason] = r.cells;
    if (problem !== 'warning' || !reason) continue;
    // Per-row notes (an unproven claim, a dropped extension) stay in the report; what says the file is damaged is shown.
    if (!/NUL|quote|header|line \d/.test(reason)) continue;
    out.push({ row: Number(row), reason });
    if (out.length >= limit) break;
  }
  return out;
}

/** `optin import FILE`: inspect the file, find the preset or read --map, then import it (or preview it with --dry-run). */
async function importFile(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const f = c.flags as Record<string, string | boolean | undefined>;
  const path = c.args.FILE!;
  if (f.preset !== undefined && f.map !== undefined) return refuse(new UsageError('cli.presetOrMap'));
  const { delimiter: sep, encoding, headerRow, defaultCountry, merge, staff } = c.input as Record<string, string | number | undefined>;
  let file;
  try {
    file = backend.files.adopt(path);
  } catch (err) {
    if (err instanceof AppError) return refuse(err, 'UNREADABLE_FILE');
    throw err;
  }
  const common = { fileId: file.id, ...(encoding ? { encoding } : {}), ...(sep ? { delimiter: sep } : {}) };
  const atRow = headerRow !== undefined ? { headerRow } : {};
  // A preset named by the person: built-in id, or the name of a saved one.
  let preset: string | undefined;
  if (typeof f.preset === 'string') {
    const wanted = f.preset;
    const all = (await c.call('import.inspect', { ...common, ...atRow })).presets;
    const found = all.find((p) => p.id === wanted || p.name.toLowerCase() === wanted.toLowerCase());
    if (!found) return refuse(new UsageError('cli.noPreset', { preset: wanted, known: all.map((p) => p.id).join(', ') }));
    preset = found.id;
  }
  const info = await c.call('import.inspect', { ...common, ...(preset ? { preset } : {}), ...atRow });
  let mapping = info.mapping;
  if (typeof f.map === 'string') {
    const parsed = parseMap(f.map, info.headers);
    if (parsed instanceof UsageError) return refuse(parsed);
    mapping = parsed;
  }
  const report = typeof f.report === 'string' ? f.report : undefined;
  if (report) checkWritable(report, 'report');
  const started = await c.call('import.start', {
    ...common,
    mapping,
    dryRun: Boolean(f['dry-run']),
    ...(defaultCountry ? { defaultCountry } : {}),
    ...(merge ? { merge } : {}),
    ...(staff ? { staff } : {}),
  });
  const job: ImportJob = await backend.jobs.wait(started.jobId);
  if (job.state !== 'done' || !job.summary)
    return {
      ok: false,
      error: job.error
        ? {
            code: job.error.code as ApiError['code'],
            ...(job.error.key ? { key: job.error.key } : {}),
            ...(job.error.params ? { params: job.error.params } : {}),
            message: job.error.message,
          }
        : new AppError('INTERNAL', 'jobs.internal').toApiError(),
    };
  const s = job.summary;
  // The import is saved by now: a report that cannot be written after all (the disk filled, the folder went) is said
  // beside the summary, never in place of it.
  let reportNote: string | undefined;
  if (report) {
    try {
      copyFileSync(s.reportFileId ? backend.files.get(s.reportFileId).path : writeEmptyReport(backend), report);
    } catch (err) {
      reportNote = renderSaid('cli.reportNotWritten', { path: report, reason: (err as NodeJS.ErrnoException).code ?? 'error' });
    }
  }
  const { reportFileId: _r, ...value } = s;
  const warnings = s.reportFileId && s.warnings > 0 ? fileWarnings(backend.files.get(s.reportFileId).path) : [];
  return {
    ok: true,
    value,
    human: formatImport(s, job.dryRun, warnings, info.headerRow) + (report && !reportNote ? `\nreport: ${report}` : ''),
    ...(reportNote ? { note: reportNote } : {}),
  };
}

function writeEmptyReport(backend: Backend): string {
  const out = backend.files.createOutput('report.csv');
  // An empty report still has its header, so scripts can read it the same way.
  writeFileSync(out.path, '\uFEFFrow,problem,reason\r\n');
  return out.path;
}

/** `optin export`: write the contacts, the suppression list or the history as CSV. */
async function exportFile(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const out = String(c.flags.out);
  checkWritable(out, 'out');
  const v = await c.call('export.create', c.input);
  deliver(backend, v.fileId, out);
  const value = { what: c.input.what, out, rows: v.rows, bytes: v.bytes, lossy: v.lossy };
  return {
    ok: true,
    value,
    human: `${v.rows} rows written to ${out} (${v.bytes} bytes)${v.lossy > 0 ? `; ${v.lossy} characters the encoding cannot hold became "?"` : ''}\nregister head: ${v.head}`,
  };
}

const encoding = (summary: string, as?: Flag['as']): Flag => ({ name: 'encoding', value: 'E', summary, field: 'encoding', ...(as ? { as } : {}) });

const commands: Command[] = [
  {
    words: ['import'],
    summary: 'read contacts and consents from a CRM or address-book CSV (preview with --dry-run)',
    args: [
      {
        name: 'FILE',
        summary: 'CSV file',
        required: true,
        missing: ref('cli.giveImportFile'),
        field: 'file',
      },
    ],
    flags: [
      { name: 'preset', value: 'NAME', summary: 'how to read the columns: a built-in preset or one you saved' },
      { name: 'map', value: 'JSON', summary: 'which column is which ({"Телефон":"phone",…}, instead of --preset)', field: 'mapping' },
      { name: 'default-country', value: 'CC', summary: 'the country of numbers without +code', field: 'defaultCountry' },
      {
        name: 'merge',
        value: 'fill_blanks|overwrite',
        summary: 'what to do with a contact already there (default fill_blanks)',
        field: 'merge',
        as: asChoice(['fill_blanks', 'overwrite']),
      },
      { name: 'dry-run', type: 'boolean', summary: 'show what it would do; write nothing' },
      { name: 'report', value: 'OUT.csv', summary: 'write every rejected row and warning to this file' },
      encoding("the file's encoding (default: found by itself)"),
      delimiter('the separator (default: found by itself)'),
      {
        name: 'header-row',
        value: 'N',
        summary: `the row that holds the column names, 1-${MAX_HEADER_ROW} (default: found by itself)`,
        field: 'headerRow',
        as: (raw, flag) => {
          const n = /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
          if (!(n >= 1 && n <= MAX_HEADER_ROW)) throw new UsageError('cli.headerRow', { flag, max: MAX_HEADER_ROW, value: String(raw) });
          return n;
        },
      },
      staffFlag,
    ],
    calls: ['import.inspect', 'import.start'],
    run: importFile,
  },
  command({
    words: ['import', 'undo'],
    summary: 'undo a committed import (its opt-outs stay)',
    method: 'import.undo',
    args: [
      {
        name: 'IMPORT',
        summary: 'import number',
        required: true,
        missing: ref('cli.giveImportNumber'),
        field: 'batch',
        as: asId('import'),
      },
    ],
    flags: [staffFlag],
    human: (v) =>
      `import ${v.batch} undone: ${v.retracted} consent events retracted, ${v.contactsRemoved} contacts removed, ${v.contactsRestored} restored; ${v.revocationsKept} opt-outs kept (an opt-out is never undone)`,
  }),
  {
    words: ['export'],
    summary: 'write the contacts, the suppression list or the consent history as CSV',
    flags: [
      { name: 'what', value: 'contacts|suppression|history', summary: 'what to write (default contacts)', field: 'what', default: 'contacts' },
      { name: 'at', value: 'ISO', summary: 'as the register stood at this instant', field: 'at' },
      {
        name: 'for',
        value: 'excel|crm',
        summary: 'excel (default): formula-safe for a spreadsheet; crm: plain phones and column names in --language, for re-import',
        field: 'for',
      },
      { name: 'language', value: 'en|ru', summary: "the CRM variant's column names (ru: also ; and local date-times)", field: 'language' },
      delimiter('the separator (default ,; ; for a Russian CRM)'),
      encoding('utf-8 (default) or windows-1251', (raw) =>
        String(raw)
          .toLowerCase()
          .replace(/^utf8$/, 'utf-8')
          .replace(/^cp1251$/, 'windows-1251'),
      ),
      {
        name: 'out',
        value: 'FILE',
        summary: 'the file to write',
        required: true,
        missing: ref('cli.giveExportOut'),
      },
    ],
    calls: ['export.create'],
    run: exportFile,
  },
];

export const transferGroup: Group = { title: 'Import and export', commands };

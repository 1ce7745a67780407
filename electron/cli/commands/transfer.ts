import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Backend } from '../core/backend';
import { ColumnMapping, type ImportJob, type ImportSummary, type Output } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import { CsvParser } from '../../shared/domain/csv/parse';
import { MAX_HEADER_ROW } from '../../shared/domain/csv/header';

/** The flags the import and export commands read. */
export interface TransferFlags {
  preset?: string | undefined;
  map?: string | undefined;
  'default-country'?: string | undefined;
  'dry-run'?: boolean | undefined;
  report?: string | undefined;
  merge?: string | undefined;
  encoding?: string | undefined;
  delimiter?: string | undefined;
  'header-row'?: string | undefined;
  what?: string | undefined;
  at?: string | undefined;
  out?: string | undefined;
  staff?: string | undefined;
}

type Outcome = { ok: true; value: unknown; human: string } | { ok: false; error: ApiError };

const refuse = (message: string, code: ApiError['code'] = 'VALIDATION_FAILED'): Outcome => ({ ok: false, error: { code, message } });

const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', tab: '\t', '\\t': '\t', '\t': '\t', '|': '|' };

/** `--map` accepts the contract's mapping array, or an object of header → field (e.g. {"Телефон":"phone"}). */
function parseMap(text: string, headers: string[]): z.infer<typeof ColumnMapping>[] | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return '--map: not valid JSON';
  }
  if (Array.isArray(raw)) {
    const r = z.array(ColumnMapping).safeParse(raw);
    return r.success ? r.data : `--map: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? 'invalid'}`;
  }
  if (raw && typeof raw === 'object') {
    const out: z.infer<typeof ColumnMapping>[] = [];
    for (const [header, spec] of Object.entries(raw as Record<string, unknown>)) {
      const column = headers.findIndex((h) => h.trim().toLowerCase() === header.trim().toLowerCase());
      if (column < 0) return `--map: the file has no column "${header}" (it has: ${headers.slice(0, 12).join(', ')})`;
      const target = typeof spec === 'string' ? { field: spec } : spec;
      const r = ColumnMapping.safeParse({ column, header: headers[column], target });
      if (!r.success) return `--map: "${header}": ${r.error.issues[0]?.message ?? 'invalid target'}`;
      out.push(r.data);
    }
    return out;
  }
  return '--map: expected a JSON array or object';
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

/** `optin import FILE …` and `optin import undo BATCH`. */
export async function importCommand(backend: Backend, positionals: string[], f: TransferFlags): Promise<Outcome> {
  if (positionals[0] === 'undo') {
    const batch = positionals[1];
    if (!batch || !/^\d+$/.test(batch)) return refuse('import undo: give the batch number, e.g. optin import undo 3');
    const r = await backend.dispatch('import.undo', { batch: Number(batch), ...(f.staff ? { staff: f.staff } : {}) });
    if (!r.ok) return r;
    const v = r.value as Output<'import.undo'>;
    return {
      ok: true,
      value: v,
      human: `import ${v.batch} undone: ${v.retracted} consent events retracted, ${v.contactsRemoved} contacts removed, ${v.contactsRestored} restored; ${v.revocationsKept} opt-outs kept (an opt-out is never undone)`,
    };
  }
  const path = positionals[0];
  if (!path) return refuse('import: give the CSV file, e.g. optin import customers.csv --dry-run');
  if (positionals.length > 1) return refuse(`unexpected argument "${positionals[1]}"`);
  if (f.preset && f.map) return refuse('--preset and --map: give one or the other');
  const delimiter = f.delimiter === undefined ? undefined : DELIMITERS[f.delimiter];
  if (f.delimiter !== undefined && !delimiter) return refuse(`--delimiter: expected , ; tab or |, got "${f.delimiter}"`);
  if (f.merge !== undefined && f.merge !== 'fill_blanks' && f.merge !== 'overwrite') return refuse('--merge: expected fill_blanks or overwrite');
  const headerRow = f['header-row'] === undefined ? undefined : /^\d+$/.test(f['header-row']) ? Number(f['header-row']) : NaN;
  if (headerRow !== undefined && !(headerRow >= 1 && headerRow <= MAX_HEADER_ROW))
    return refuse(`--header-row: expected the number of the row that holds the column names, 1 to ${MAX_HEADER_ROW}, got "${f['header-row']}"`);
  let file;
  try {
    file = backend.files.adopt(path);
  } catch (err) {
    return refuse(err instanceof Error ? err.message : 'cannot read the file', 'UNREADABLE_FILE');
  }
  const common = { fileId: file.id, ...(f.encoding ? { encoding: f.encoding } : {}), ...(delimiter ? { delimiter } : {}) };
  // A preset named by the person: built-in id, or the name of a saved one.
  let preset: string | undefined;
  if (f.preset) {
    const look = await backend.dispatch('import.inspect', { ...common, ...(headerRow !== undefined ? { headerRow } : {}) });
    if (!look.ok) return look;
    const all = (look.value as Output<'import.inspect'>).presets;
    const found = all.find((p) => p.id === f.preset || p.name.toLowerCase() === f.preset!.toLowerCase());
    if (!found) return refuse(`--preset: no preset "${f.preset}" (known: ${all.map((p) => p.id).join(', ')})`);
    preset = found.id;
  }
  const inspected = await backend.dispatch('import.inspect', {
    ...common,
    ...(preset ? { preset } : {}),
    ...(headerRow !== undefined ? { headerRow } : {}),
  });
  if (!inspected.ok) return { ok: false, error: { ...inspected.error, message: inspected.error.message.replace(/^headerRow:/, '--header-row:') } };
  const info = inspected.value as Output<'import.inspect'>;
  let mapping = info.mapping;
  if (f.map) {
    const parsed = parseMap(f.map, info.headers);
    if (typeof parsed === 'string') return refuse(parsed);
    mapping = parsed;
  }
  const started = await backend.dispatch('import.start', {
    ...common,
    mapping,
    dryRun: Boolean(f['dry-run']),
    ...(f['default-country'] ? { defaultCountry: f['default-country'] } : {}),
    ...(f.merge ? { merge: f.merge } : {}),
    ...(f.staff ? { staff: f.staff } : {}),
  });
  if (!started.ok) return started;
  const job: ImportJob = await backend.jobs.wait((started.value as ImportJob).jobId);
  if (job.state !== 'done' || !job.summary)
    return { ok: false, error: { code: (job.error?.code ?? 'INTERNAL') as ApiError['code'], message: job.error?.message ?? 'import failed' } };
  const s = job.summary;
  if (f.report) {
    if (s.reportFileId) copyFileSync(backend.files.get(s.reportFileId).path, f.report);
    else copyFileSync(writeEmptyReport(backend), f.report);
  }
  const { reportFileId: _r, ...value } = s;
  const warnings = s.reportFileId && s.warnings > 0 ? fileWarnings(backend.files.get(s.reportFileId).path) : [];
  return { ok: true, value, human: formatImport(s, job.dryRun, warnings, info.headerRow) + (f.report ? `\nreport: ${f.report}` : '') };
}

function writeEmptyReport(backend: Backend): string {
  const out = backend.files.createOutput('report.csv');
  // An empty report still has its header, so scripts can read it the same way.
  writeFileSync(out.path, '\uFEFFrow,problem,reason\r\n');
  return out.path;
}

/** `optin export --what contacts|suppression|history [--at ISO] [--delimiter ';'] [--encoding windows-1251] --out FILE`. */
export async function exportCommand(backend: Backend, positionals: string[], f: TransferFlags): Promise<Outcome> {
  if (positionals.length > 0) return refuse(`unexpected argument "${positionals[0]}"`);
  if (!f.out) return refuse('--out: say where to write the CSV, e.g. --out contacts.csv');
  const delimiter = f.delimiter === undefined ? undefined : DELIMITERS[f.delimiter];
  if (f.delimiter !== undefined && !delimiter) return refuse(`--delimiter: expected , ; or tab, got "${f.delimiter}"`);
  const encoding =
    f.encoding === undefined
      ? undefined
      : f.encoding
          .toLowerCase()
          .replace(/^utf8$/, 'utf-8')
          .replace(/^cp1251$/, 'windows-1251');
  const r = await backend.dispatch('export.create', {
    what: f.what ?? 'contacts',
    ...(f.at ? { at: f.at } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(encoding ? { encoding } : {}),
  });
  if (!r.ok) return r;
  const v = r.value as Output<'export.create'>;
  copyFileSync(backend.files.get(v.fileId).path, f.out);
  backend.files.discard(v.fileId);
  const value = { what: f.what ?? 'contacts', out: f.out, rows: v.rows, bytes: v.bytes, lossy: v.lossy };
  return {
    ok: true,
    value,
    human: `${v.rows} rows written to ${f.out} (${v.bytes} bytes)${v.lossy > 0 ? `; ${v.lossy} characters the encoding cannot hold became "?"` : ''}\nregister head: ${v.head}`,
  };
}

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
// exceljs (with its zip and stream libraries, ~400 modules) is loaded when a workbook is first read, not at start.
import type ExcelJS from 'exceljs';
import { AppError } from '../../../shared/contract/errors';

/*
 * Reading an Excel workbook (.xlsx) row by row. Before exceljs streams it, the zip's directory is read here and the
 * parts exceljs keeps in memory (the workbook, its relations and the shared strings, which every text cell points
 * into) are unpacked once with a ceiling, so a zip bomb is refused by name instead of filling the memory. Sheets
 * themselves stream: a sheet of a million rows costs a row at a time.
 */

/** One entry of a zip's central directory. */
interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The shared strings (all the text of a workbook) may unpack to at most this. */
const MAX_SHARED_STRINGS = 64 * 1024 * 1024;
/** Any one part may say it unpacks to at most this, and the whole workbook to at most four times as much. */
const MAX_PART = 512 * 1024 * 1024;
/** The workbook's own description (sheet names, relations) is small. */
const MAX_SMALL_PART = 4 * 1024 * 1024;

function damaged(reason: string): AppError {
  return new AppError('UNREADABLE_FILE', 'imports.workbookDamaged', { reason });
}

/** The entries of a zip file's central directory. */
async function zipEntries(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(size, 65_557));
    await handle.read(tail, 0, tail.length, size - tail.length);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    // Not a zip at all, only its first bytes look like one: binary data, as any other.
    if (eocd < 0) throw new AppError('UNREADABLE_FILE', 'imports.binary');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff || dirOffset + dirSize > size) throw damaged('its zip directory points outside the file');
    const dir = Buffer.alloc(dirSize);
    await handle.read(dir, 0, dirSize, dirOffset);
    const out: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw damaged('its zip directory is cut short');
      const nameLength = dir.readUInt16LE(p + 28);
      const extra = dir.readUInt16LE(p + 30);
      const comment = dir.readUInt16LE(p + 32);
      out.push({
        name: dir.toString('utf8', p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localOffset: dir.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + extra + comment;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Unpack one entry, refusing it as soon as it grows past `limit` bytes (what its directory says is not trusted). */
async function unpack(path: string, entry: ZipEntry, limit: number, what: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  let data: Buffer;
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, entry.localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw damaged(`${entry.name} is not where the directory says`);
    const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    data = Buffer.alloc(entry.compressedSize);
    await handle.read(data, 0, data.length, start);
  } finally {
    await handle.close();
  }
  if (entry.method === 0) {
    if (data.length > limit) throw tooBig(what, limit);
    return data;
  }
  if (entry.method !== 8) throw damaged(`${entry.name} is packed in a way Excel does not write (method ${entry.method})`);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const inflate = createInflateRaw();
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        inflate.destroy();
        reject(tooBig(what, limit));
        return;
      }
      chunks.push(chunk);
    });
    inflate.on('error', () => reject(damaged(`${entry.name} cannot be unpacked`)));
    inflate.on('end', () => resolve(Buffer.concat(chunks)));
    inflate.end(data);
  });
}

/** Where an entry's packed bytes start (after its local header), checked against the directory. */
async function dataStart(path: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, entry.localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw damaged(`${entry.name} is not where the directory says`);
    return entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

/**
 * How many bytes an entry really unpacks to, read through and thrown away, refusing it as soon as it passes `limit`:
 * the size its directory entry states is the packer's word, and a workbook that states 1 KB for a sheet of gigabytes
 * must not reach exceljs, which unpacks the sheets itself.
 */
async function unpackedSize(path: string, entry: ZipEntry, limit: number): Promise<number> {
  if (entry.method === 0) return entry.compressedSize;
  if (entry.method !== 8) throw damaged(`${entry.name} is packed in a way Excel does not write (method ${entry.method})`);
  if (entry.compressedSize === 0) return 0;
  const start = await dataStart(path, entry);
  return new Promise<number>((resolve, reject) => {
    let total = 0;
    const source = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
    const inflate = createInflateRaw();
    const stop = (err: AppError): void => {
      source.destroy();
      inflate.destroy();
      reject(err);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) stop(tooBig(entry.name, Math.round(limit)));
    });
    inflate.on('error', () => stop(damaged(`${entry.name} cannot be unpacked`)));
    source.on('error', () => stop(damaged(`${entry.name} cannot be read`)));
    inflate.on('end', () => resolve(total));
    source.pipe(inflate);
  });
}

function tooBig(part: string, limit: number): AppError {
  return new AppError('UNREADABLE_FILE', 'imports.workbookTooBig', { part, mb: Math.round(limit / 1024 / 1024) });
}

/** A sheet of a workbook: its name and the part that holds it. */
export interface WorkbookSheet {
  name: string;
  /** The number in `xl/worksheets/sheetN.xml`. */
  part: string;
}

function xmlAttr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag) ?? new RegExp(`\\s${name}\\s*=\\s*'([^']*)'`).exec(tag);
  return m
    ? m[1]!
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
    : null;
}

/**
 * Check a workbook before reading it (a zip bomb is refused) and list its sheets in order. Refuses a zip that is not
 * a workbook and one without sheets.
 */
export async function workbookSheets(path: string): Promise<WorkbookSheet[]> {
  const entries = await zipEntries(path);
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) {
    // Excel writes each part once; a second copy of a part would be the one another reader takes, unchecked.
    if (byName.has(e.name)) throw damaged(`it holds the part ${e.name.slice(0, 80)} twice`);
    byName.set(e.name, e);
  }
  const workbook = byName.get('xl/workbook.xml');
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new AppError('UNREADABLE_FILE', 'imports.zipNotWorkbook');
  let total = 0;
  for (const e of entries) {
    if (e.size === 0xffffffff || e.compressedSize === 0xffffffff || e.size > MAX_PART) throw tooBig(e.name, MAX_PART);
    total += e.size;
  }
  if (total > 4 * MAX_PART) throw tooBig('parts together', 4 * MAX_PART);
  // What each part really unpacks to, whatever its directory entry states (read through once, nothing kept).
  let unpacked = 0;
  for (const e of entries) {
    unpacked += await unpackedSize(path, e, Math.min(MAX_PART, 4 * MAX_PART - unpacked));
    if (unpacked > 4 * MAX_PART) throw tooBig('parts together', 4 * MAX_PART);
  }
  const shared = byName.get('xl/sharedStrings.xml');
  // exceljs keeps the shared strings in memory: they are unpacked here first, with a ceiling.
  if (shared) await unpack(path, shared, MAX_SHARED_STRINGS, 'shared text (xl/sharedStrings.xml)');
  const relsXml = (await unpack(path, rels, MAX_SMALL_PART, 'list of parts')).toString('utf8');
  const workbookXml = (await unpack(path, workbook, MAX_SMALL_PART, 'description')).toString('utf8');
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = xmlAttr(m[0], 'Id');
    const target = xmlAttr(m[0], 'Target');
    if (id && target) targets.set(id, target);
  }
  const sheets: WorkbookSheet[] = [];
  for (const m of workbookXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = xmlAttr(m[0], 'name');
    const rid = xmlAttr(m[0], 'r:id') ?? xmlAttr(m[0], 'id');
    const part = rid ? /worksheets\/sheet(\d+)\.xml$/.exec(targets.get(rid) ?? '')?.[1] : undefined;
    if (name && part) sheets.push({ name, part });
  }
  if (sheets.length === 0) throw new AppError('UNREADABLE_FILE', 'imports.workbookNoSheets');
  return sheets;
}

/** A cell's value as the import reads text. */
function cellValue(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    // Excel's dates have no zone: exceljs reads them as UTC, which is the wall-clock time written in the sheet.
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('hyperlink' in v && 'text' in v) return cellValue(v.text as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v as unknown);
}

/** One row of a sheet: its number in the sheet and its cells from column A. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/**
 * Stream the rows of one sheet (by its part number) in batches. Empty rows are not in a sheet's file; the row
 * numbers are the sheet's own, so a report names the row Excel shows.
 */
export async function* sheetRows(
  path: string,
  sheet: WorkbookSheet,
  options: { batch?: number; signal?: AbortSignal } = {},
): AsyncGenerator<SheetRow[]> {
  const size = options.batch ?? 1000;
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  let batch: SheetRow[] = [];
  try {
    for await (const ws of reader) {
      const w = ws as unknown as { id: string | number; name?: string } & AsyncIterable<ExcelJS.Row>;
      const mine = w.name !== undefined ? w.name === sheet.name : String(w.id) === sheet.part;
      if (!mine) continue;
      for await (const r of w) {
        if (options.signal?.aborted) return;
        const values = Array.isArray(r.values) ? (r.values as ExcelJS.CellValue[]) : [];
        // exceljs puts column A at index 1.
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
        batch.push({ row: r.number, cells });
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      break;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw damaged(err instanceof Error ? err.message.slice(0, 120) : 'unreadable');
  }
  if (batch.length > 0) yield batch;
}

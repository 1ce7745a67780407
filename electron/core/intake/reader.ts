import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import chardet from 'chardet';
import { AppError } from '../../../shared/contract/errors';
import { ref, type SaidRef } from '../../../shared/contract/said';
import {
  CsvParser,
  CSV_DELIMITERS,
  describeLines,
  excelSepLine,
  guessDelimiter,
  isBlankRecord,
  swallowedRows,
  type CsvRecord,
} from '../../../shared/domain/csv/parse';
import { columnLetter, findHeaderRow, MAX_HEADER_ROW, similarHeaders } from '../../../shared/domain/csv/header';
import type { ImportPreset } from '../../../shared/domain/csv/mapping';
import { BUILT_IN_PRESETS } from '../../../shared/domain/csv/presets';
import { OWN_EXPORT_PRESET, OWN_EXPORT_PRESET_RU } from '../../../shared/domain/csv/own-format';
import { importWarning, type ImportWarning } from '../../../shared/domain/csv/warnings';
import { declaredCharset, looksLikeHtml, readHtmlTable } from '../../../shared/domain/csv/html-table';
import { sheetRows, workbookSheets, type WorkbookSheet } from './workbook';

/** What a file is: a CSV text, an Excel workbook, or an HTML table saved as .xls (Bitrix24's «Экспорт в Excel»). */
export type FileFormat = 'csv' | 'xlsx' | 'html';

/** What a first look at a file found. */
export interface FileSniff {
  format: FileFormat;
  /** A workbook's sheets in order (empty for other files) and the one read. */
  sheets: WorkbookSheet[];
  sheet: WorkbookSheet | null;
  /** iconv-lite encoding name: utf8, utf16le, utf16be, windows-1251, koi8-r, ibm866, iso-8859-5, windows-1252… */
  encoding: string;
  bom: boolean;
  delimiter: string;
  bytes: number;
  /** True when the first line is Excel's `sep=X` (not a row: rows are numbered from the line after it). */
  sepLine: boolean;
  /** The header's row (from 1, as a spreadsheet shows it). */
  headerRow: number;
  /** The line of the file the header starts on. */
  headerLine: number;
  headers: string[];
  /** The first data rows, for the mapping screen. */
  sample: string[][];
  /** The first rows of the file (up to the header and some after it), for finding or choosing the header. */
  rows: string[][];
  /** What the person should know about the file before its rows (similar headers, NULs dropped in the header…). */
  notes: ImportWarning[];
}

/** One data record of the file (rows are numbered as a spreadsheet shows them: the header is row 1 unless it is lower). */
export interface FileRow {
  row: number;
  /** The line of the file the row starts on. */
  line: number;
  cells: string[];
  /** Set when the record is malformed: it is rejected with this reason, by key. */
  problem: SaidRef | null;
  /** What was fixed or suspected on the way (a NUL dropped, rows that a quoted value seems to hold). */
  warnings: ImportWarning[] | null;
}

const SNIFF_BYTES = 256 * 1024;
/** A field longer than this is a quote that was never closed and swallowed the lines after it. */
const MAX_FIELD = 32 * 1024;
/** Every preset the header may be recognised by. */
const HEADER_PRESETS: readonly ImportPreset[] = [OWN_EXPORT_PRESET, OWN_EXPORT_PRESET_RU, ...BUILT_IN_PRESETS];

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const starts = (head: Buffer, sig: number[]): boolean => head.length >= sig.length && sig.every((b, i) => head[i] === b);

/** Files that are certainly not text, by their first bytes. */
const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'zip'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'ole'],
  [[0x25, 0x50, 0x44, 0x46], 'pdf'],
  [[0x89, 0x50, 0x4e, 0x47], 'png'],
  [[0xff, 0xd8, 0xff], 'jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'gif'],
  [[0x7f, 0x45, 0x4c, 0x46], 'elf'],
  [[0x1f, 0x8b], 'gzip'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], 'sqlite'],
];

/**
 * A real binary, not a text with a stray zero byte: a known binary signature, many NULs in the first KB (more than
 * 8 and more than 2 %), or control characters making more than 5 % of the first 4 KB.
 */
function isBinary(head: Buffer): boolean {
  for (const [sig] of MAGIC) if (head.length >= sig.length && sig.every((b, i) => head[i] === b)) return true;
  const kb = Math.min(head.length, 1024);
  let nuls = 0;
  for (let i = 0; i < kb; i++) if (head[i] === 0) nuls++;
  if (nuls > 8 && nuls > kb * 0.02) return true;
  const n = Math.min(head.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b !== 0 && (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b))) control++;
  }
  return n > 0 && control / n > 0.05;
}

function detectEncoding(head: Buffer): { encoding: string; bom: boolean } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bom: true };
  // UTF-16 without a BOM: text of mostly ASCII has a zero in every other byte.
  const n = Math.min(head.length, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  if (n >= 64 && oddZeros > n / 2 / 3 && evenZeros < n / 2 / 20) return { encoding: 'utf16le', bom: false };
  if (n >= 64 && evenZeros > n / 2 / 3 && oddZeros < n / 2 / 20) return { encoding: 'utf16be', bom: false };
  // A stray NUL or two is dropped while reading (with a warning naming its line); a binary file is refused.
  if (isBinary(head)) throw new AppError('UNREADABLE_FILE', 'imports.binary');
  // Valid UTF-8 (a multi-byte sequence cut at the end of the sample is fine) is UTF-8.
  let end = head.length;
  while (end > 0 && end > head.length - 4 && (head[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return { encoding: 'utf8', bom: false };
  } catch {
    // not UTF-8: a single-byte code page
  }
  const guesses = chardet.analyse(head);
  const known = ['windows-1251', 'KOI8-R', 'ISO-8859-5', 'IBM866', 'windows-1252', 'ISO-8859-1', 'windows-1250', 'ISO-8859-2'];
  const best = guesses.find((g) => known.includes(g.name));
  // Cyrillic exports from Windows are by far the most common non-UTF-8 files our shops meet. chardet weighs the whole
  // sample, so in a CRM export of mostly Latin letters and digits it can take the Russian words for Latin-1; when the
  // bytes above ASCII read as Russian words in a Cyrillic code page, the file is in that one.
  const latin = best && ['windows-1252', 'ISO-8859-1', 'windows-1250', 'ISO-8859-2'].includes(best.name);
  const name = (latin ? cyrillicPage(head) : null) ?? best?.name ?? 'windows-1251';
  return { encoding: name.toLowerCase().replace('ibm866', 'cp866'), bom: false };
}

/** The Cyrillic code pages a file may be in, the most common first (it wins a tie). */
const CYRILLIC_PAGES = ['windows-1251', 'koi8-r', 'iso-8859-5', 'cp866'];

/**
 * The Cyrillic code page in which most bytes above ASCII read as Russian words (a capital or small letter, then small
 * ones), or null when none does. Western European text has an accented letter here and there among ASCII ones
 * ("Müller", "São Paulo"), which no code page turns into such words; and a Russian word read in the wrong Cyrillic
 * page comes out in capitals or in other letters.
 */
function cyrillicPage(head: Buffer): string | null {
  let high = 0;
  for (const b of head) if (b >= 0x80) high++;
  if (high === 0) return null;
  let best: string | null = null;
  let bestScore = 0;
  for (const page of CYRILLIC_PAGES) {
    let score = 0;
    for (const word of iconv.decode(head, page).matchAll(/[А-ЯЁ]?[а-яё]{2,}/g)) score += word[0].length;
    if (score > bestScore) {
      best = page;
      bestScore = score;
    }
  }
  return bestScore >= high * 0.6 ? best : null;
}

/** Strip a BOM the decoder left at the start of the text. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first characters of a line, quoted, for a message. */
function quoteText(text: string): string {
  const t = text.replace(/[\r\n]+/g, ' ').trim();
  return `"${t.length > 60 ? `${t.slice(0, 60)}…` : t}"`;
}

/** Some lines of the file, by key: line 3, lines 3–5, lines 3, 7 and 9 (describeLines, for the person's language). */
function linesRef(lines: readonly number[]): SaidRef {
  if (lines.length === 1) return ref('importRow.line', { line: lines[0]! });
  const contiguous = lines.every((l, i) => i === 0 || l === lines[i - 1]! + 1);
  if (contiguous) return ref('importRow.lineRange', { from: lines[0]!, to: lines[lines.length - 1]! });
  return ref('importRow.lineList', { list: lines.slice(0, -1).join(', '), last: lines[lines.length - 1]! });
}

/** Why a malformed record is rejected, naming its lines, by key; null when it is not malformed. */
function recordProblem(r: CsvRecord, delimiter: string, headerCount: number): SaidRef | null {
  if (r.quote === 'unclosed') {
    const first = firstSwallowedLine(r);
    return first
      ? ref('importRow.quoteUnclosedReads', { from: r.quoteLine, to: r.endLine, line: first.line, text: quoteText(first.text) })
      : ref('importRow.quoteUnclosed', { from: r.quoteLine, to: r.endLine });
  }
  if (r.quote === 'stray') {
    const rows = r.endLine > r.line ? swallowedRows(r, delimiter, headerCount) : null;
    return rows
      ? ref('importRow.quoteStraySwallows', {
          from: r.quoteLine,
          lines: linesRef(rows.lines.map((l) => l.line)),
          text: quoteText(rows.lines[0]!.text),
        })
      : ref('importRow.quoteStray', { from: r.quoteLine });
  }
  for (const c of r.cells) if (c.length > MAX_FIELD) return ref('importRow.fieldTooLong', { line: r.line });
  return null;
}

/** The first line a record's unclosed quote took in, with its text. */
function firstSwallowedLine(r: CsvRecord): { line: number; text: string } | null {
  const last = r.cells[r.cells.length - 1] ?? '';
  const m = /\r\n|\n|\r/.exec(last);
  if (!m) return null;
  const rest = last.slice(m.index + m[0].length);
  const next = /\r\n|\n|\r/.exec(rest);
  return { line: r.quoteLine + 1, text: next ? rest.slice(0, next.index) : rest };
}

/** Rows that a multi-line quoted value seems to hold: a warning, or the reason to reject the record. */
function swallowCheck(r: CsvRecord, delimiter: string, headerCount: number): { problem: SaidRef | null; warning: ImportWarning | null } {
  const found = swallowedRows(r, delimiter, headerCount);
  if (!found) return { problem: null, warning: null };
  const lines = found.lines.map((l) => l.line);
  const what = `a quoted value that opens on line ${r.line} runs to line ${r.endLine} and holds ${found.lines.length === 1 ? 'a line' : 'lines'} that look like rows of their own (${describeLines(lines)}: ${quoteText(found.lines[0]!.text)}): a quote that was never closed?`;
  return found.lastCell
    ? {
        problem: null,
        warning: importWarning(
          'quote_holds_rows',
          { from: r.line, to: r.endLine, lines: describeLines(lines) },
          `${what} ${describeLines(lines)} ${lines.length === 1 ? 'was' : 'were'} not read as rows; check the file`,
        ),
      }
    : {
        problem: ref('importRow.quoteHoldsRows', {
          count: found.lines.length,
          from: r.line,
          to: r.endLine,
          lines: linesRef(lines),
          text: quoteText(found.lines[0]!.text),
          last: linesRef([lines[lines.length - 1]!]),
        }),
        warning: null,
      };
}

/** Read the text of a file's head, decoded. */
async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Look at the start of a file: encoding, delimiter (an Excel `sep=` line is honoured), which row is the header
 * (`headerRow`, else the first of the first rows that names a phone and another known column), the header and
 * sample rows. Refuses empty and binary files, and a header that a quote never closed.
 */
export async function sniffFile(
  path: string,
  options: {
    encoding?: string | undefined;
    delimiter?: string | undefined;
    headerRow?: number | undefined;
    sheet?: string | undefined;
  } = {},
): Promise<FileSniff> {
  const info = await stat(path);
  if (info.size === 0) throw new AppError('UNREADABLE_FILE', 'imports.fileEmpty');
  const head = await readHead(path, info.size);
  if (starts(head, OLE_MAGIC)) throw new AppError('UNREADABLE_FILE', 'imports.xlsBinary');
  if (starts(head, ZIP_MAGIC)) {
    const sheets = await workbookSheets(path);
    const sheet = options.sheet === undefined ? sheets[0]! : sheets.find((s) => s.name === options.sheet);
    if (!sheet)
      throw new AppError('VALIDATION_FAILED', 'imports.noSheet', { sheet: options.sheet ?? '', sheets: sheets.map((s) => s.name).join(', ') });
    const rows: { row: number; cells: string[] }[] = [];
    const wanted = Math.max(options.headerRow ?? 0, 20) + 21;
    for await (const batch of sheetRows(path, sheet, { batch: 50 })) {
      rows.push(...batch);
      if (rows.length >= wanted) break;
    }
    return sniffTable('xlsx', rows.slice(0, wanted), info.size, options.headerRow, { sheets, sheet, encoding: 'xlsx' });
  }
  const html = await htmlText(path, head, options.encoding);
  if (html) {
    const table = readHtmlTable(html.text);
    if (!table.ok) throw new AppError('UNREADABLE_FILE', table.reason === 'no_table' ? 'imports.htmlNoTable' : 'imports.htmlNoRows');
    const rows = table.rows.map((cells, i) => ({ row: i + 1, cells }));
    return sniffTable('html', rows, info.size, options.headerRow, { sheets: [], sheet: null, encoding: html.encoding });
  }
  const whole = head.length >= info.size;
  const detected = detectEncoding(head);
  const encoding = options.encoding ?? detected.encoding;
  if (!iconv.encodingExists(encoding)) throw new AppError('VALIDATION_FAILED', 'imports.unknownEncoding', { encoding });
  const text = stripBom(iconv.decode(head, encoding));
  if (text.replace(/\0/g, '').trim() === '') throw new AppError('UNREADABLE_FILE', 'imports.noText');

  const sep = excelSepLine(text);
  const sepDelimiter = sep !== null && (CSV_DELIMITERS as readonly string[]).includes(sep) ? sep : null;
  const afterSep = sep !== null ? text.replace(/^[^\r\n]*(?:\r\n|\n|\r)?/, '') : text;
  const delimiter = options.delimiter ?? sepDelimiter ?? guessDelimiter(afterSep);

  // The first rows: enough to find (or take) the header and show the rows after it.
  const parser = new CsvParser(delimiter);
  let records = parser.push(text);
  if (whole) parser.end(records);
  if (sep !== null) records = records.slice(1);
  const wanted = Math.max(options.headerRow ?? 0, 20) + 21;
  const rows = records.slice(0, wanted).map((r) => r.cells);
  if (records.length === 0) {
    // Not one record in the first 256 KB: a quote opened on the first line and never closed there.
    const open = parser.pending();
    throw new AppError('UNREADABLE_FILE', 'imports.headerQuoteUnclosedHead', { line: open?.line ?? 1 });
  }

  let headerRow: number;
  if (options.headerRow !== undefined) {
    headerRow = options.headerRow;
    if (!Number.isInteger(headerRow) || headerRow < 1 || headerRow > MAX_HEADER_ROW)
      throw new AppError('VALIDATION_FAILED', 'imports.headerRowRange', { max: MAX_HEADER_ROW });
    if (headerRow > records.length)
      throw new AppError('VALIDATION_FAILED', whole ? 'imports.headerRowBeyond' : 'imports.headerRowBeyondHead', { rows: records.length });
    if (isBlankRecord(records[headerRow - 1]!.cells)) throw new AppError('VALIDATION_FAILED', 'imports.headerRowEmpty', { row: headerRow });
  } else {
    const found = findHeaderRow(rows, HEADER_PRESETS);
    if (found === null) throw new AppError('UNREADABLE_FILE', 'imports.headerEmpty');
    headerRow = found;
  }
  const header = records[headerRow - 1]!;
  if (header.quote === 'unclosed' || (!whole && records.length === headerRow && header.cells.some((c) => c.length > MAX_FIELD))) {
    const first = firstSwallowedLine(header);
    throw new AppError('UNREADABLE_FILE', 'imports.headerQuoteNeverClosed', {
      line: header.line,
      sample: first ? ` (line ${first.line} reads ${quoteText(first.text)})` : '',
    });
  }
  const headerCount = header.cells.length;
  const swallowed = header.endLine > header.line ? swallowedRows(header, delimiter, Math.max(headerCount, 2)) : null;
  if (header.quote === 'stray' || swallowed) {
    const lines = swallowed ? describeLines(swallowed.lines.map((l) => l.line)) : `the lines after line ${header.line}`;
    throw new AppError('UNREADABLE_FILE', 'imports.headerQuoteStray', {
      line: header.line,
      lines,
      sample: swallowed ? ` (${quoteText(swallowed.lines[0]!.text)})` : '',
    });
  }

  const headers = header.cells.map((h) => stripBom(h).trim());
  if (headers.every((h) => h === '')) throw new AppError('UNREADABLE_FILE', 'imports.headerEmpty');
  const notes: ImportWarning[] = [];
  if (header.nulLines)
    notes.push(
      importWarning('header_nul', { line: header.line }, `line ${header.line}: NUL characters (zero bytes, not text) were removed from the header`),
    );
  for (const { first, second } of similarHeaders(header.cells)) {
    notes.push(
      importWarning(
        'similar_headers',
        { first: `${columnLetter(first)} "${header.cells[first]}"`, second: `${columnLetter(second)} "${header.cells[second]}"` },
        `the header names columns ${columnLetter(first)} "${header.cells[first]}" and ${columnLetter(second)} "${header.cells[second]}" alike (they differ only in case or spaces): check that each is mapped as you mean`,
      ),
    );
  }
  const sample: string[][] = [];
  for (let i = headerRow; i < records.length && sample.length < 20; i++) if (!isBlankRecord(records[i]!.cells)) sample.push(records[i]!.cells);
  return {
    format: 'csv',
    sheets: [],
    sheet: null,
    encoding,
    bom: detected.bom && encoding === detected.encoding,
    delimiter,
    bytes: info.size,
    sepLine: sep !== null,
    headerRow,
    headerLine: header.line,
    headers,
    sample,
    rows,
    notes,
  };
}

/** The rows below the header of a workbook's sheet or an HTML table, in batches, cut or padded to the header's width. */
async function* readTableRecords(
  path: string,
  sniff: FileSniff,
  options: { onBytes?: (bytes: number) => void; signal?: AbortSignal },
): AsyncGenerator<FileRow[]> {
  const width = sniff.headers.length;
  const toFileRows = (rows: { row: number; cells: string[] }[]): FileRow[] =>
    rows
      .filter((r) => r.row > sniff.headerRow)
      .map((r) => ({ row: r.row, line: r.row, cells: isBlankRecord(r.cells) ? [''] : fitRow(r.cells, width), problem: null, warnings: null }));
  if (sniff.format === 'html') {
    let all = tableRows.get(sniff);
    if (!all) {
      const head = await readHead(path, sniff.bytes);
      const html = await htmlText(path, head, sniff.encoding);
      const table = html ? readHtmlTable(html.text) : null;
      all = table?.ok ? table.rows.map((cells, i) => ({ row: i + 1, cells })) : [];
    }
    for (let i = 0; i < all.length; i += 1000) {
      if (options.signal?.aborted) return;
      const batch = toFileRows(all.slice(i, i + 1000));
      options.onBytes?.(Math.round((sniff.bytes * Math.min(all.length, i + 1000)) / all.length));
      if (batch.length > 0) yield batch;
    }
    return;
  }
  let seen = 0;
  for await (const batch of sheetRows(path, sniff.sheet!, options.signal ? { signal: options.signal } : {})) {
    if (options.signal?.aborted) return;
    seen += batch.length;
    const rows = toFileRows(batch);
    // A workbook has no byte position to show while it streams: the share of rows read stands in, never 100 % early.
    options.onBytes?.(Math.min(sniff.bytes - 1, Math.round(sniff.bytes * (1 - 1 / (1 + seen / 5000)))));
    if (rows.length > 0) yield rows;
  }
}

/** At most this much of an HTML page is read (Bitrix24 writes every row of the list into one page). */
const MAX_HTML = 50 * 1024 * 1024;

/**
 * The text of an HTML page saved as .xls, decoded by its declared charset (else as detected), or null when the file
 * is not one.
 */
async function htmlText(path: string, head: Buffer, encoding: string | undefined): Promise<{ text: string; encoding: string } | null> {
  const probe = head.subarray(0, 4096).toString('latin1');
  if (!looksLikeHtml(probe)) return null;
  const info = await stat(path);
  if (info.size > MAX_HTML) throw new AppError('UNREADABLE_FILE', 'imports.htmlTooLarge');
  const bytes = await readFile(path);
  const declared = declaredCharset(probe);
  let chosen = encoding ?? (declared && iconv.encodingExists(declared) ? declared : detectEncoding(bytes.subarray(0, SNIFF_BYTES)).encoding);
  if (!iconv.encodingExists(chosen)) chosen = 'utf8';
  const name = chosen.toLowerCase().replace(/^utf-8$/, 'utf8');
  return { text: stripBom(iconv.decode(bytes, name)), encoding: name };
}

/** The rows of a workbook's sheet or an HTML table, as they are read for the mapping screen and the import. */
const tableRows = new WeakMap<FileSniff, { row: number; cells: string[] }[]>();

/** Find the header of a table's first rows and describe the file as {@link sniffFile} does for a CSV. */
function sniffTable(
  format: 'xlsx' | 'html',
  all: { row: number; cells: string[] }[],
  bytes: number,
  headerRowOption: number | undefined,
  extra: { sheets: WorkbookSheet[]; sheet: WorkbookSheet | null; encoding: string },
): FileSniff {
  if (all.length === 0)
    throw new AppError('UNREADABLE_FILE', format === 'xlsx' ? 'imports.sheetEmpty' : 'imports.htmlNoRows', { sheet: extra.sheet?.name ?? '' });
  // Rows as a spreadsheet shows them, empty ones included, so "row 3" means the same here and in Excel.
  const last = Math.min(all[all.length - 1]!.row, 41 + (headerRowOption ?? 0));
  const byRow = new Map(all.map((r) => [r.row, r.cells]));
  const rows: string[][] = [];
  for (let r = 1; r <= last; r++) rows.push(byRow.get(r) ?? []);
  let headerRow: number;
  if (headerRowOption !== undefined) {
    headerRow = headerRowOption;
    if (!Number.isInteger(headerRow) || headerRow < 1 || headerRow > MAX_HEADER_ROW)
      throw new AppError('VALIDATION_FAILED', 'imports.headerRowRange', { max: MAX_HEADER_ROW });
    if (isBlankRecord(rows[headerRow - 1] ?? [])) throw new AppError('VALIDATION_FAILED', 'imports.headerRowEmpty', { row: headerRow });
  } else {
    const found = findHeaderRow(rows, HEADER_PRESETS);
    if (found === null) throw new AppError('UNREADABLE_FILE', 'imports.headerEmpty');
    headerRow = found;
  }
  const raw = rows[headerRow - 1]!;
  // Trailing empty header cells are not columns.
  let width = raw.length;
  while (width > 0 && raw[width - 1]!.trim() === '') width--;
  const headers = raw.slice(0, width).map((h) => h.replace(/\s+/g, ' ').trim());
  if (headers.every((h) => h === '')) throw new AppError('UNREADABLE_FILE', 'imports.headerEmpty');
  const notes: ImportWarning[] = [];
  for (const { first, second } of similarHeaders(headers)) {
    notes.push(
      importWarning(
        'similar_headers',
        { first: `${columnLetter(first)} "${headers[first]}"`, second: `${columnLetter(second)} "${headers[second]}"` },
        `the header names columns ${columnLetter(first)} "${headers[first]}" and ${columnLetter(second)} "${headers[second]}" alike (they differ only in case or spaces): check that each is mapped as you mean`,
      ),
    );
  }
  const sample: string[][] = [];
  for (let i = headerRow; i < rows.length && sample.length < 20; i++) if (!isBlankRecord(rows[i]!)) sample.push(fitRow(rows[i]!, width));
  const sniff: FileSniff = {
    format,
    sheets: extra.sheets,
    sheet: extra.sheet,
    encoding: extra.encoding,
    bom: false,
    delimiter: '',
    bytes,
    sepLine: false,
    headerRow,
    headerLine: headerRow,
    headers,
    sample,
    rows,
    notes,
  };
  if (format === 'html') tableRows.set(sniff, all);
  return sniff;
}

/** A table row cut or padded to the header's width (a sheet leaves out empty cells at a row's end). */
function fitRow(cells: string[], width: number): string[] {
  if (cells.length === width) return cells;
  if (cells.length > width) return cells.slice(0, width);
  return [...cells, ...Array<string>(width - cells.length).fill('')];
}

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const READ_CHUNK_BYTES = 32 * 1024;

/**
 * Stream the rows of a file below its header, decoded and parsed, in batches (one per piece of text read). Memory
 * stays flat: the next piece is read only when the consumer asks for the next batch. `onBytes` reports how far
 * into the file the reader is.
 */
export async function* readRecords(
  path: string,
  sniff: Pick<FileSniff, 'encoding' | 'delimiter' | 'headerRow' | 'sepLine' | 'headers'> & Partial<Pick<FileSniff, 'format' | 'sheet'>>,
  options: { onBytes?: (bytes: number) => void; signal?: AbortSignal } = {},
): AsyncGenerator<FileRow[]> {
  if (sniff.format === 'xlsx' || sniff.format === 'html') {
    yield* readTableRecords(path, sniff as FileSniff, options);
    return;
  }
  let bytes = 0;
  // 32 KiB a read, so an import's step is a few hundred rows: what a step holds until it is written dies young
  // rather than being copied through the collector's young generation (at 256 KiB an import of a million rows spent
  // about 4 s more in the collector and peaked some 80 MB higher: test/bench/import.bench.ts).
  const source = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  let failure: unknown = null;
  const decoded = pipeline(source, counter, iconv.decodeStream(sniff.encoding, { stripBOM: true }), (err) => {
    if (err && !(options.signal?.aborted ?? false)) failure ??= err;
  });
  const parser = new CsvParser(sniff.delimiter);
  const headerCount = sniff.headers.length;
  // Records are counted from the file's first; the sep= line is not a row.
  let record = 0;
  const skip = sniff.headerRow + (sniff.sepLine ? 1 : 0);
  const rowOffset = sniff.sepLine ? 1 : 0;
  let first = true;

  const toRows = (records: CsvRecord[]): FileRow[] => {
    const batch: FileRow[] = [];
    for (const r of records) {
      record++;
      if (record <= skip) continue;
      let problem = r.quote !== null ? recordProblem(r, sniff.delimiter, headerCount) : null;
      let warnings: ImportWarning[] | null = null;
      if (problem === null) {
        for (const c of r.cells)
          if (c.length > MAX_FIELD) {
            problem = recordProblem(r, sniff.delimiter, headerCount);
            break;
          }
      }
      if (problem === null && r.endLine > r.line) {
        const check = swallowCheck(r, sniff.delimiter, headerCount);
        problem = check.problem;
        if (check.warning) warnings = [check.warning];
      }
      if (r.nulLines) {
        const lines = describeLines([...new Set(r.nulLines)]);
        (warnings ??= []).push(importWarning('nul_removed', { lines }, `${lines}: a NUL character (a zero byte, not text) was removed`));
      }
      batch.push({ row: record - rowOffset, line: r.line, cells: r.cells, problem, warnings });
    }
    return batch;
  };

  try {
    for await (const chunk of decoded as AsyncIterable<string>) {
      if (options.signal?.aborted) return;
      let text = chunk;
      if (first) {
        text = stripBom(text);
        first = false;
      }
      const batch = toRows(parser.push(text));
      if (batch.length === 0) continue;
      options.onBytes?.(bytes);
      yield batch;
    }
    if (options.signal?.aborted) return;
    const last = toRows(parser.end());
    if (last.length > 0) {
      options.onBytes?.(bytes);
      yield last;
    }
  } catch (err) {
    failure ??= err;
  } finally {
    (decoded as unknown as Transform).destroy();
    source.destroy();
  }
  if (failure) throw new AppError('UNREADABLE_FILE', 'imports.unreadable', { reason: failure instanceof Error ? failure.message : 'unknown error' });
}

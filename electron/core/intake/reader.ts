import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import chardet from 'chardet';
import { AppError } from '../../../shared/contract/errors';
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
import { OWN_EXPORT_PRESET } from '../../../shared/domain/csv/own-format';

/** What a first look at a file found. */
export interface FileSniff {
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
  notes: string[];
}

/** One data record of the file (rows are numbered as a spreadsheet shows them: the header is row 1 unless it is lower). */
export interface FileRow {
  row: number;
  /** The line of the file the row starts on. */
  line: number;
  cells: string[];
  /** Set when the record is malformed: it is rejected with this reason. */
  problem: string | null;
  /** What was fixed or suspected on the way (a NUL dropped, rows that a quoted value seems to hold). */
  warnings: string[] | null;
}

const SNIFF_BYTES = 256 * 1024;
/** A field longer than this is a quote that was never closed and swallowed the lines after it. */
const MAX_FIELD = 32 * 1024;
/** Every preset the header may be recognised by. */
const HEADER_PRESETS: readonly ImportPreset[] = [OWN_EXPORT_PRESET, ...BUILT_IN_PRESETS];

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
  // Cyrillic exports from Windows are by far the most common non-UTF-8 files our shops meet.
  const name = best?.name ?? 'windows-1251';
  return { encoding: name.toLowerCase().replace('ibm866', 'cp866'), bom: false };
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

/** Why a malformed record is rejected, naming its lines; null when it is not malformed. */
function recordProblem(r: CsvRecord, delimiter: string, headerCount: number): string | null {
  if (r.quote === 'unclosed') {
    const first = firstSwallowedLine(r);
    return (
      `a quoted field is never closed: the quote swallows the lines after it (it opens on line ${r.quoteLine} and runs to the end of the file, line ${r.endLine}` +
      (first ? `; line ${first.line} reads ${quoteText(first.text)}` : '') +
      ')'
    );
  }
  if (r.quote === 'stray') {
    const rows = r.endLine > r.line ? swallowedRows(r, delimiter, headerCount) : null;
    return (
      `a quote inside a field is not doubled ("") (the quoted value opens on line ${r.quoteLine}` +
      (rows ? `; it swallows ${describeLines(rows.lines.map((l) => l.line))}, ${quoteText(rows.lines[0]!.text)}` : '') +
      ')'
    );
  }
  for (const c of r.cells)
    if (c.length > MAX_FIELD) return `a field is longer than 32 KB: probably a quote that is never closed (from line ${r.line})`;
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
function swallowCheck(r: CsvRecord, delimiter: string, headerCount: number): { problem: string | null; warning: string | null } {
  const found = swallowedRows(r, delimiter, headerCount);
  if (!found) return { problem: null, warning: null };
  const lines = found.lines.map((l) => l.line);
  const what = `a quoted value that opens on line ${r.line} runs to line ${r.endLine} and holds ${found.lines.length === 1 ? 'a line' : 'lines'} that look like rows of their own (${describeLines(lines)}: ${quoteText(found.lines[0]!.text)}): a quote that was never closed?`;
  return found.lastCell
    ? { problem: null, warning: `${what} ${describeLines(lines)} ${lines.length === 1 ? 'was' : 'were'} not read as rows; check the file` }
    : { problem: `${what} The cells after it come from ${describeLines([lines[lines.length - 1]!])}, so the row is not imported`, warning: null };
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
  options: { encoding?: string | undefined; delimiter?: string | undefined; headerRow?: number | undefined } = {},
): Promise<FileSniff> {
  const info = await stat(path);
  if (info.size === 0) throw new AppError('UNREADABLE_FILE', 'imports.fileEmpty');
  const head = await readHead(path, info.size);
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
  const notes: string[] = [];
  if (header.nulLines) notes.push(`line ${header.line}: NUL characters (zero bytes, not text) were removed from the header`);
  for (const { first, second } of similarHeaders(header.cells)) {
    notes.push(
      `the header names columns ${columnLetter(first)} "${header.cells[first]}" and ${columnLetter(second)} "${header.cells[second]}" alike (they differ only in case or spaces): check that each is mapped as you mean`,
    );
  }
  const sample: string[][] = [];
  for (let i = headerRow; i < records.length && sample.length < 20; i++) if (!isBlankRecord(records[i]!.cells)) sample.push(records[i]!.cells);
  return {
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

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Stream the rows of a file below its header, decoded and parsed, in batches (one per piece of text read). Memory
 * stays flat: the next piece is read only when the consumer asks for the next batch. `onBytes` reports how far
 * into the file the reader is.
 */
export async function* readRecords(
  path: string,
  sniff: Pick<FileSniff, 'encoding' | 'delimiter' | 'headerRow' | 'sepLine' | 'headers'>,
  options: { onBytes?: (bytes: number) => void; signal?: AbortSignal } = {},
): AsyncGenerator<FileRow[]> {
  let bytes = 0;
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
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
      let warnings: string[] | null = null;
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
      if (r.nulLines) (warnings ??= []).push(`${describeLines([...new Set(r.nulLines)])}: a NUL character (a zero byte, not text) was removed`);
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

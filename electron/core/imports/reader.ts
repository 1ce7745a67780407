import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import chardet from 'chardet';
import { AppError } from '../../../shared/contract/errors';

/** What a first look at a file found. */
export interface FileSniff {
  /** iconv-lite encoding name: utf8, utf16le, utf16be, windows-1251, koi8-r, ibm866, iso-8859-5, windows-1252… */
  encoding: string;
  bom: boolean;
  delimiter: string;
  bytes: number;
  headers: string[];
  /** The first data rows, for the mapping screen. */
  sample: string[][];
}

/** One data record of the file (the header is record 1, so the first data row is 2, as a spreadsheet shows it). */
export interface FileRow {
  row: number;
  cells: string[];
  /** Set when the parser found the record malformed. */
  problem: string | null;
}

const SNIFF_BYTES = 256 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];
/** A field longer than this is a quote that was never closed and swallowed the lines after it. */
const MAX_FIELD = 32 * 1024;

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
  if (evenZeros + oddZeros > 0 || looksBinary(head.subarray(0, n))) {
    throw new AppError(
      'UNREADABLE_FILE',
      'file: this is not a text (CSV) file — it holds binary data (a spreadsheet or archive? save it as CSV first)',
    );
  }
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

function looksBinary(bytes: Buffer): boolean {
  let control = 0;
  for (const b of bytes) if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  return bytes.length > 0 && control / bytes.length > 0.05;
}

/** Strip a BOM the decoder left at the start of the text. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Look at the start of a file: encoding, delimiter, header and sample rows. Refuses empty and binary files. */
export async function sniffFile(path: string, options: { encoding?: string; delimiter?: string } = {}): Promise<FileSniff> {
  const info = await stat(path);
  if (info.size === 0) throw new AppError('UNREADABLE_FILE', 'file: the file is empty');
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const detected = detectEncoding(head);
  const encoding = options.encoding ?? detected.encoding;
  if (!iconv.encodingExists(encoding)) throw new AppError('VALIDATION_FAILED', `encoding: unknown encoding "${encoding}"`);
  let text = stripBom(iconv.decode(head, encoding));
  // Drop a possibly cut last line: the sample must not end mid-record.
  if (head.length < info.size) text = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
  if (text.trim() === '') throw new AppError('UNREADABLE_FILE', 'file: the file holds no text');
  const parsed = Papa.parse<string[]>(text, {
    preview: 21,
    skipEmptyLines: 'greedy',
    ...(options.delimiter ? { delimiter: options.delimiter } : { delimitersToGuess: DELIMITERS }),
  });
  const [headers = [], ...sample] = parsed.data;
  // Papa falls back to a comma when nothing repeats; a one-column file is still a file.
  const delimiter = options.delimiter ?? parsed.meta.delimiter ?? ',';
  if (headers.every((h) => h.trim() === '')) throw new AppError('UNREADABLE_FILE', 'file: the first line (the header) is empty');
  return {
    encoding,
    bom: detected.bom && encoding === detected.encoding,
    delimiter,
    bytes: info.size,
    headers: headers.map((h) => stripBom(h).trim()),
    sample,
  };
}

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Stream the records of a file after its header, decoded and parsed, in batches. Memory stays flat: the
 * parser pauses while the consumer works on a batch. `onBytes` reports how far into the file the reader is.
 */
export async function* readRecords(
  path: string,
  sniff: Pick<FileSniff, 'encoding' | 'delimiter'>,
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
  const decoded = source.pipe(counter).pipe(iconv.decodeStream(sniff.encoding, { stripBOM: true }));

  const queue: FileRow[][] = [];
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  let parserRef: Papa.Parser | null = null;
  let record = 0;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  Papa.parse<string[]>(decoded as unknown as File, {
    delimiter: sniff.delimiter,
    chunkSize: 512 * 1024,
    chunk(results, parser) {
      parserRef = parser;
      const problems = new Map<number, string>();
      for (const e of results.errors) {
        if (e.row === undefined || e.row === null) continue;
        if (e.code === 'MissingQuotes') problems.set(e.row, 'a quoted field is never closed: the quote swallows the lines after it');
        else if (e.code === 'InvalidQuotes') problems.set(e.row, 'a quote inside a field is not doubled ("")');
      }
      const batch: FileRow[] = [];
      for (let i = 0; i < results.data.length; i++) {
        record++;
        if (record === 1) continue; // the header
        const cells = results.data[i]!;
        let problem = problems.get(i) ?? null;
        if (problem === null)
          for (const c of cells) if (c.length > MAX_FIELD) problem = 'a field is longer than 32 KB: probably a quote that is never closed';
        batch.push({ row: record, cells, problem });
      }
      if (batch.length > 0) {
        queue.push(batch);
        parser.pause();
      }
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(err: Error) {
      failure = err;
      finished = true;
      notify();
    },
  });
  decoded.on('error', (err) => {
    failure = err;
    finished = true;
    notify();
  });

  try {
    for (;;) {
      if (options.signal?.aborted) return;
      const batch = queue.shift();
      if (batch) {
        options.onBytes?.(bytes);
        yield batch;
        (parserRef as Papa.Parser | null)?.resume();
        continue;
      }
      if (failure) throw new AppError('UNREADABLE_FILE', `file: could not be read (${failure instanceof Error ? failure.message : 'unknown error'})`);
      if (finished) return;
      await new Promise<void>((ok) => (wake = ok));
    }
  } finally {
    (parserRef as Papa.Parser | null)?.abort();
    source.destroy();
  }
}

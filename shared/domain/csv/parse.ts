/**
 * The import's CSV reader: a streaming parser that reads quoted fields as papaparse does (RFC 4180 quotes, `""`
 * for a quote, spaces allowed between a closing quote and the delimiter, a quote inside an unquoted field kept
 * as text) but knows what a contact import needs to say about a broken file:
 * - every record carries the lines it came from, so a problem names the line a person finds in a text editor;
 * - CRLF, LF and a lone CR all end a record, in any mix (a quoted value keeps its line breaks as they are);
 * - a NUL character outside quotes is dropped and its line noted (a quoted value keeps it: our own export quotes
 *   any value holding one, so it comes back exactly);
 * - a quote that is never closed, or closed in the wrong place, is flagged on its record with the line it opened on.
 * It resumes where it stopped when text arrives in pieces, so a value that runs for megabytes is scanned once.
 */

/** One record of the file: its cells and where it lies. */
export interface CsvRecord {
  cells: string[];
  /** The line (from 1) the record starts on. */
  line: number;
  /** The line it ends on (greater than `line` when a quoted value holds line breaks). */
  endLine: number;
  /** `unclosed`: a quote opened and never closed (the value runs to the end of the file); `stray`: a quote in a quoted value is not doubled. */
  quote: 'unclosed' | 'stray' | null;
  /** The line the troubled quoted value opened on (0 when `quote` is null). */
  quoteLine: number;
  /** Lines on which NUL characters outside quotes were dropped. */
  nulLines: number[] | null;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
/** How much text one scan takes at most (see {@link CsvParser.push}). */
const WINDOW = 16 * 1024;

/** Count line breaks (CRLF, LF or a lone CR each once) in s[from, to). */
export function countLineBreaks(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR) {
      n++;
      if (i + 1 < to && s.charCodeAt(i + 1) === LF) i++;
    }
  }
  return n;
}

/** A resumable CSV parser for one delimiter (a single character). */
/** An unquoted value with no end in sight is kept up to about this many characters (see push). */
export const KEEP_UNQUOTED = 1 << 20;

export class CsvParser {
  private buf = '';
  /** Text after `buf` kept unsearched while a quoted value is open and no quote has come (see push). */
  private carry: string[] = [];
  private carried = 0;
  /** The line at buf[0]. */
  private line = 1;
  private row: string[] = [];
  private rowLine = 1;
  private rowQuote: CsvRecord['quote'] = null;
  private rowQuoteLine = 0;
  private rowNul: number[] | null = null;
  /** Inside a quoted value that starts at buf[0]: the last position already searched for its closing quote. */
  private resume = -1;
  /** The buffer holds an unquoted value searched to its end without finding where it ends (a delimiter or line break). */
  private openUnquoted = false;
  private readonly d: string;
  private readonly dCode: number;

  constructor(delimiter: string) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
      throw new Error(`not a delimiter: ${JSON.stringify(delimiter)}`);
    this.d = delimiter;
    this.dCode = delimiter.charCodeAt(0);
  }

  /** Take the next piece of text; the records it completes are appended to `out`. */
  push(text: string, out: CsvRecord[] = []): CsvRecord[] {
    // A quoted value left open by earlier text: text without a quote cannot close it, so it is only kept (joined
    // once, when a quote comes or the text ends) instead of being appended and searched again piece after piece,
    // which made a long quoted value — or a quote never closed — cost the square of its length.
    // Likewise an unquoted value with no end yet: text with no delimiter and no line break only makes it longer (a
    // "line" of 100 MB without one took minutes and gigabytes, searched again from its start piece after piece).
    if (this.resume >= 0 && text.indexOf('"') === -1) {
      this.carry.push(text);
      this.carried += text.length;
      return out;
    }
    if (this.openUnquoted && text.indexOf(this.d) === -1 && text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
      // Past KEEP_UNQUOTED characters the middle of such a value is not kept (memory stays flat); the value, far longer
      // than any field a reader takes, still ends where the text says and is refused by its length.
      if (this.buf.length + this.carried < KEEP_UNQUOTED) this.carry.push(text);
      this.carried += text.length;
      return out;
    }
    this.takeCarry();
    // Scanned in windows of 16K characters: V8 keeps a scan of that size in optimised code (a scan over a whole
    // 256 KB piece ran in the interpreter after every deoptimisation, several times slower). A long value carried
    // over from the last piece takes the rest at once, so it is never copied window by window.
    let at = 0;
    while (at < text.length) {
      const take = this.buf.length > WINDOW ? text.length - at : Math.min(WINDOW, text.length - at);
      const piece = take === text.length ? text : text.slice(at, at + take);
      this.buf = this.buf === '' ? piece : this.buf + piece;
      at += take;
      this.scan(false, out);
    }
    return out;
  }

  /** The text has ended: the last record, complete or not, is appended to `out`. */
  end(out: CsvRecord[] = []): CsvRecord[] {
    this.takeCarry();
    this.scan(true, out);
    return out;
  }

  /** The record being read when the text so far ran out, if one has begun: where it starts and whether a quote is open. */
  pending(): { line: number; quoteOpen: boolean; chars: number } | null {
    if (this.buf === '' && this.row.length === 0) return null;
    return { line: this.rowLine, quoteOpen: this.resume >= 0, chars: this.buf.length + this.carried };
  }

  /** The text kept while a quoted value was open, back at the end of the buffer (its quote search resumes there). */
  private takeCarry(): void {
    if (this.carry.length === 0) return;
    this.buf += this.carry.join('');
    this.carry = [];
    this.carried = 0;
  }

  private endRecord(out: CsvRecord[], row: string[], endLine: number): void {
    out.push({ cells: row, line: this.rowLine, endLine, quote: this.rowQuote, quoteLine: this.rowQuoteLine, nulLines: this.rowNul });
    this.rowQuote = null;
    this.rowQuoteLine = 0;
    this.rowNul = null;
  }

  /** An unquoted cell s[from, to) that holds a NUL (at `nul`): the NULs dropped, the line noted. */
  private dropNuls(s: string, from: number, to: number, line: number): string {
    (this.rowNul ??= []).push(line);
    return s.slice(from, to).replace(/\0/g, '');
  }

  private scan(final: boolean, out: CsvRecord[]): void {
    const s = this.buf;
    const len = s.length;
    const d = this.d;
    const dCode = this.dCode;
    let line = this.line;
    let row = this.row;
    let i = 0;
    // Next positions of the delimiter, LF, CR and NUL at or after i (-2: not looked for yet, -1: none left).
    let nextD = -2;
    let nextLF = -2;
    let nextCR = -2;
    let nextNul = s.indexOf('\0');
    // Where to stop and keep the rest for the next piece of text (-1: the text is used up).
    let stop = -1;
    this.openUnquoted = false;

    scan: for (;;) {
      if (i >= len) {
        if (final && row.length > 0) {
          row.push('');
          this.endRecord(out, row, line);
          row = [];
        }
        break;
      }
      if (row.length === 0) this.rowLine = line;
      const fieldStart = i;
      if (s.charCodeAt(i) === QUOTE) {
        let q = this.resume >= 0 ? this.resume : i;
        this.resume = -1;
        for (;;) {
          q = s.indexOf('"', q + 1);
          if (q === -1) {
            if (!final) {
              this.resume = len - 1 - fieldStart;
              stop = fieldStart;
              break scan;
            }
            // Never closed: the value is the rest of the text, as papaparse gives it.
            this.rowQuote = 'unclosed';
            this.rowQuoteLine = line;
            row.push(s.slice(i + 1));
            line += countLineBreaks(s, i + 1, len);
            this.endRecord(out, row, line);
            row = [];
            i = len;
            break scan;
          }
          if (q + 1 >= len && !final) {
            // The next character decides whether this quote is doubled: wait for it.
            this.resume = q - 1 - fieldStart;
            stop = fieldStart;
            break scan;
          }
          if (q + 1 < len && s.charCodeAt(q + 1) === QUOTE) {
            q++;
            continue;
          }
          let j = q + 1;
          while (j < len && s.charCodeAt(j) === SPACE) j++;
          const c = j < len ? s.charCodeAt(j) : -1;
          if ((c === -1 || (c === CR && j + 1 >= len)) && !final) {
            // The end of the text so far: a CR there may be half of a CRLF.
            this.resume = q - 1 - fieldStart;
            stop = fieldStart;
            break scan;
          }
          if (c === dCode || c === LF || c === CR || c === -1) {
            let v = s.slice(i + 1, q);
            if (v.includes('""')) v = v.replace(/""/g, '"');
            // Line breaks inside the value: usually none, which the cached positions show without a scan.
            if (nextLF !== -1 && nextLF < i) nextLF = s.indexOf('\n', i);
            if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
            if ((nextLF !== -1 && nextLF < q) || (nextCR !== -1 && nextCR < q)) line += countLineBreaks(s, i + 1, q);
            row.push(v);
            if (c === dCode) {
              i = j + 1;
            } else {
              this.endRecord(out, row, line);
              row = [];
              if (c === -1) i = len;
              else {
                i = c === CR && j + 1 < len && s.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
                line++;
              }
            }
            continue scan;
          }
          // A quote followed by anything else is not a closing quote: it stays in the value, and the record is flagged.
          if (this.rowQuote === null) {
            this.rowQuote = 'stray';
            this.rowQuoteLine = line;
          }
        }
      }
      if (nextD !== -1 && nextD < i) nextD = s.indexOf(d, i);
      if (nextLF !== -1 && nextLF < i) nextLF = s.indexOf('\n', i);
      if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
      const lb = nextCR === -1 ? nextLF : nextLF === -1 || nextCR < nextLF ? nextCR : nextLF;
      const end = nextD !== -1 && (lb === -1 || nextD < lb) ? nextD : lb;
      if (end === -1) {
        // No delimiter or line break in the rest: the field (and record) may go on in the next piece.
        if (!final) {
          stop = fieldStart;
          this.openUnquoted = true;
          break;
        }
      } else if (end === lb && s.charCodeAt(lb) === CR && lb + 1 >= len && !final) {
        stop = fieldStart;
        break;
      }
      const to = end === -1 ? len : end;
      if (nextNul !== -1 && nextNul < i) nextNul = s.indexOf('\0', i);
      row.push(nextNul !== -1 && nextNul < to ? this.dropNuls(s, i, to, line) : s.slice(i, to));
      if (end === -1) {
        this.endRecord(out, row, line);
        row = [];
        i = len;
      } else if (end === nextD) {
        i = end + 1;
      } else {
        this.endRecord(out, row, line);
        row = [];
        line++;
        i = s.charCodeAt(end) === CR && end + 1 < len && s.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
      }
    }
    this.buf = stop === -1 ? '' : s.slice(stop);
    this.row = row;
    this.line = line;
  }
}

/** Parse a whole text. */
export function parseCsv(text: string, delimiter: string): CsvRecord[] {
  const p = new CsvParser(delimiter);
  const out = p.push(text);
  return p.end(out);
}

/** The delimiters a file may use, in order of preference when the evidence ties. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/** A blank record: a blank line, or a line of empty cells. */
export function isBlankRecord(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/**
 * The delimiter the most records agree on: for each candidate, the number of records (of the first 40 non-blank)
 * that have the most common field count above one; ties go to the larger field count, then to the list's order.
 */
export function guessDelimiter(text: string, candidates: readonly string[] = CSV_DELIMITERS): string {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  let best = candidates[0] ?? ',';
  let bestScore = 0;
  let bestFields = 0;
  for (const d of candidates) {
    const p = new CsvParser(d);
    const records = p.push(sample);
    if (text.length === sample.length) p.end(records);
    const counts = new Map<number, number>();
    let seen = 0;
    for (const r of records) {
      if (isBlankRecord(r.cells)) continue;
      if (++seen > 40) break;
      if (r.cells.length > 1) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
    }
    let score = 0;
    let fields = 0;
    for (const [n, c] of counts) if (c > score || (c === score && n > fields)) [score, fields] = [c, n];
    if (score > bestScore || (score === bestScore && score > 0 && fields > bestFields)) {
      best = d;
      bestScore = score;
      bestFields = fields;
    }
  }
  return best;
}

/** The delimiter an Excel `sep=X` first line names (the line itself is not part of the data), or null. */
export function excelSepLine(text: string): string | null {
  const m = /^"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)/i.exec(text);
  return m && m[1] !== '"' ? m[1]! : null;
}

const PHONE_LIKE = /\+?\d(?:[\d\s().-]{5,}\d)/;

/**
 * Lines held inside a multi-line quoted value that look like rows of their own: the sign of a quote that opened by
 * mistake and swallowed the rows after it. A value is suspect only when the line it opens on is already a whole row
 * (as many fields as the header, counting the cells before it and the delimiters in its first line); its later
 * lines count when they too have as many fields (the last one with the cells after the value) and hold something
 * like a phone number. A name or note that merely runs over two lines is not suspect: its first line is not a row.
 * Returns the swallowed lines (in the file) with their text, and whether every value that swallowed them is the
 * record's last cell (then the record's own cells are still its own).
 */
export function swallowedRows(
  record: Pick<CsvRecord, 'cells' | 'line'>,
  delimiter: string,
  headerCount: number,
): { lines: { line: number; text: string }[]; lastCell: boolean } | null {
  if (headerCount < 2) return null;
  const found: { line: number; text: string }[] = [];
  let lastCell = true;
  let line = record.line;
  const cells = record.cells;
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c]!;
    const breaks = countLineBreaks(cell, 0, cell.length);
    if (breaks === 0) continue;
    const pieces = cell.split(/\r\n|\n|\r/);
    if (c + pieces[0]!.split(delimiter).length >= headerCount) {
      let hit = false;
      for (let k = 1; k < pieces.length; k++) {
        // The value's last line goes on with the cells after the value.
        const text = k === pieces.length - 1 ? [pieces[k]!, ...cells.slice(c + 1)].join(delimiter) : pieces[k]!;
        if (text.split(delimiter).length >= headerCount && PHONE_LIKE.test(text)) {
          found.push({ line: line + k, text });
          hit = true;
        }
      }
      if (hit && c < cells.length - 1) lastCell = false;
    }
    line += breaks;
  }
  return found.length > 0 ? { lines: found, lastCell } : null;
}

/** "line 3", "lines 3–4" or "lines 3, 5 and 9". */
export function describeLines(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const contiguous = lines.every((l, i) => i === 0 || l === lines[i - 1]! + 1);
  if (contiguous) return `lines ${lines[0]}–${lines[lines.length - 1]}`;
  return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvParser, KEEP_UNQUOTED, excelSepLine, guessDelimiter, parseCsv, swallowedRows, type CsvRecord } from '../../../shared/domain/csv/parse';
import { findHeaderRow, similarHeaders } from '../../../shared/domain/csv/header';
import { joinTags, neutralizeCell, splitTags, unneutralizeCell } from '../../../shared/domain/csv/values';
import { parseDateCell } from '../../../shared/domain/csv/dates';
import { csvCell } from '../../../electron/core/intake/import';

interface PapaCase {
  name: string;
  input: string;
  delimiter: string | null;
  data: string[][];
  errors: string[];
}
const papa = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'import', 'malformed', 'papaparse', 'cases.json'), 'utf8')) as {
  cases: PapaCase[];
};

/** Parse as the import does: the BOM is the decoder's to strip, the delimiter guessed unless given. */
function read(input: string, delimiter?: string | null): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '');
  return parseCsv(text, delimiter ?? guessDelimiter(text));
}

describe('the CSV reader against papaparse’s own test cases (MIT, copied with their licence)', () => {
  // Where we part from papaparse on purpose: a trailing line break ends the last record instead of starting an
  // empty one, and a lone CR in an LF file ends a record instead of staying in a value (issue #15: mixed line ends).
  const ours: Record<string, string[][]> = {
    papa_28_mixed_slash_n_and_slash_r_should_choose_first_as_precident: [
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
      ['g', 'h', 'i'],
    ],
  };
  it.each(papa.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const records = read(c.input, c.delimiter);
    let expected = ours[c.name] ?? c.data;
    if (!ours[c.name] && /(\r\n|\n|\r)$/.test(c.input) && expected.length > 0 && expected[expected.length - 1]!.join('') === '')
      expected = expected.slice(0, -1);
    expect(records.map((r) => r.cells)).toEqual(expected);
    // papaparse's quote errors (MissingQuotes, InvalidQuotes) are ours too, on the record.
    expect(records.some((r) => r.quote !== null)).toBe(c.errors.length > 0);
    if (c.errors.includes('MissingQuotes')) expect(records.some((r) => r.quote === 'unclosed')).toBe(true);
  });
});

describe('lines, line ends and NULs', () => {
  it('numbers each record by the line it starts on, whatever the line ends', () => {
    const r = parseCsv('a,b\r\n"x\ny",1\nc,d\re,f\r\n', ',');
    expect(r.map((x) => [x.cells, x.line, x.endLine])).toEqual([
      [['a', 'b'], 1, 1],
      [['x\ny', '1'], 2, 3],
      [['c', 'd'], 4, 4],
      [['e', 'f'], 5, 5],
    ]);
  });

  it('drops a NUL outside quotes, noting its line, and keeps one inside quotes', () => {
    const r = parseCsv('a,b\nAn\u0000n,1\n"B\u0000b",2\n', ',');
    expect(r[1]).toMatchObject({ cells: ['Ann', '1'], nulLines: [2] });
    expect(r[2]).toMatchObject({ cells: ['B\u0000b', '2'], nulLines: null });
  });

  it('flags a quote that never closes with the line it opened on, and a stray quote in a quoted value', () => {
    const r = parseCsv('Name,Phone\nA,"1\nB,2\n', ',');
    expect(r[1]).toMatchObject({ quote: 'unclosed', quoteLine: 2, line: 2, endLine: 4 });
    const s = parseCsv('Name,Phone\n"A"x",1\n', ',');
    expect(s[1]).toMatchObject({ quote: 'stray', quoteLine: 2, cells: ['A"x', '1'] });
  });

  it('property: the records do not depend on how the text is cut into pieces', () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'a', 'b c', '+79161230001', '\u0000'),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '\u0000', 'ё'), maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`),
      fc.string({ unit: fc.constantFrom('a', '"', ' ', 'x'), maxLength: 4 }),
    );
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    const text = fc
      .array(fc.tuple(fc.array(cell, { minLength: 1, maxLength: 4 }), eol), { maxLength: 6 })
      .map((rows) => rows.map(([cells, e]) => cells.join(',') + e).join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (t, cuts) => {
        const whole = parseCsv(t, ',');
        const points = [...new Set(cuts.map((c) => c % (t.length + 1)))].sort((a, b) => a - b);
        const p = new CsvParser(',');
        const out: CsvRecord[] = [];
        let at = 0;
        for (const c of points) {
          p.push(t.slice(at, c), out);
          at = c;
        }
        p.push(t.slice(at), out);
        p.end(out);
        expect(out).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a quoted value of megabytes in pieces without scanning it again for each piece', () => {
    // Reading a value 4 times as long takes about 4 times as long, not 16 (a rescan per piece would be quadratic):
    // compared within this run, best of three, so a busy machine slows both sides alike.
    const read = (bytes: number): number => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const big = 'x'.repeat(bytes);
        const p = new CsvParser(',');
        const out: CsvRecord[] = [];
        p.push('Name,Note\nA,"', out);
        const start = performance.now();
        for (let i = 0; i < big.length; i += 64 * 1024) p.push(big.slice(i, i + 64 * 1024), out);
        p.push('"\nB,1\n', out);
        p.end(out);
        best = Math.min(best, performance.now() - start);
        expect(out.map((r) => r.cells[0])).toEqual(['Name', 'A', 'B']);
        expect(out[1]!.cells[1]!.length).toBe(big.length);
      }
      return best;
    };
    const one = read(1024 * 1024);
    const four = read(4 * 1024 * 1024);
    expect(four).toBeLessThan(Math.max(one, 1) * 10);
  });

  it('reads an unquoted "line" of many megabytes in pieces once, keeping only its first megabyte or so', () => {
    // An unquoted value with no delimiter or line break for megabytes (a damaged file): each piece used to be added to
    // it and the whole searched again (100 MB: minutes, over a gigabyte). Now 4 times as long takes about 4 times as
    // long (compared within this run, best of three), and what is kept of it stays near KEEP_UNQUOTED.
    const read = (bytes: number): number => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const big = 'y'.repeat(bytes);
        const p = new CsvParser(',');
        const out: CsvRecord[] = [];
        p.push('Name,Note\nA,', out);
        const start = performance.now();
        for (let i = 0; i < big.length; i += 64 * 1024) p.push(big.slice(i, i + 64 * 1024), out);
        p.push(',z\nB,1\n', out);
        p.end(out);
        best = Math.min(best, performance.now() - start);
        expect(out.map((r) => r.cells)).toEqual([
          ['Name', 'Note'],
          ['A', expect.any(String), 'z'],
          ['B', '1'],
        ]);
        const kept = out[1]!.cells[1]!.length;
        expect(kept).toBeGreaterThan(Math.min(bytes, KEEP_UNQUOTED) - 1);
        expect(kept).toBeLessThanOrEqual(KEEP_UNQUOTED + 64 * 1024);
      }
      return best;
    };
    const one = read(4 * 1024 * 1024);
    const four = read(16 * 1024 * 1024);
    expect(four).toBeLessThan(Math.max(one, 1) * 10);
  });
});

describe('where the header is', () => {
  it('takes an Excel sep= line, guesses the delimiter past a preamble, and finds the header row', () => {
    expect(excelSepLine('sep=;\r\nName;Phone\r\n')).toBe(';');
    expect(excelSepLine('"sep=,"\nName,Phone\n')).toBe(',');
    expect(excelSepLine('Name;Phone\n')).toBeNull();
    const text = 'Customer list\nExported 2026-02-01, by Olga\n\nName;Phone;Email\nAnn;+79161230001;a@example.com\nBob;+79161230002;b@example.com\n';
    expect(guessDelimiter(text)).toBe(';');
    const rows = parseCsv(text, ';').map((r) => r.cells);
    expect(findHeaderRow(rows)).toBe(4);
    // A header that names nothing known is the first filled row, as before.
    expect(findHeaderRow([[''], ['Client', 'Card'], ['Ann', '1']])).toBe(2);
  });

  it('names headers that differ only in case or spaces', () => {
    expect(similarHeaders(['Name', 'Phone', 'phone ', 'Mobile Phone', 'MobilePhone', 'E-mail'])).toEqual([
      { first: 1, second: 2 },
      { first: 3, second: 4 },
    ]);
  });

  it('suspects a quoted value whose first line is a whole row and whose next line is another row; not a name on two lines', () => {
    const swallow = parseCsv('Name,Phone,Note\nAnn,+79161230011,"tea\nBob,+79161230012,5"\n', ',')[1]!;
    expect(swallowedRows(swallow, ',', 3)).toEqual({ lines: [{ line: 3, text: 'Bob,+79161230012,5' }], lastCell: true });
    const middle = parseCsv('Name,Note,Phone\nAnn,"tea,+79161230014\nBob,5",+79161230015\n', ',')[1]!;
    expect(swallowedRows(middle, ',', 3)).toMatchObject({ lastCell: false, lines: [{ line: 3 }] });
    const name = parseCsv('Name,Phone\n"Clara\rCr",+79161230056\n', ',')[1]!;
    expect(swallowedRows(name, ',', 2)).toBeNull();
  });
});

describe('values that go out come back', () => {
  it('neutralises formula cells (a leading NUL too) and keeps a leading quote mark through a round trip', () => {
    for (const v of ['=1+1', '+7912', '-x', '@SUM(A1)', '\tx', '\rx', '\u0000=x', "'=foo", "''", "'\u0000"]) {
      expect(neutralizeCell(v)).toBe(`'${v}`);
      expect(unneutralizeCell(neutralizeCell(v))).toBe(v);
    }
    for (const v of ['Anna', "'quoted", "O'Brien", '', "'"]) expect(neutralizeCell(v)).toBe(v);
  });

  it('property: unneutralizeCell undoes neutralizeCell for any string', () => {
    const s = fc.string({ unit: fc.oneof(fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\u0000', 'a'), fc.string({ maxLength: 1 })) });
    fc.assert(fc.property(s, (v) => unneutralizeCell(neutralizeCell(v)) === v));
  });

  it('property: tags joined into one cell split back into the same tags', () => {
    const tag = fc
      .string({
        unit: fc.oneof(fc.constantFrom(',', ';', '|', ':', '"', '*', ' ', 'a', 'ё'), fc.string({ unit: 'grapheme', maxLength: 1 })),
        maxLength: 12,
      })
      .map((t) => t.trim().slice(0, 64))
      .filter((t) => t !== '');
    fc.assert(
      fc.property(fc.uniqueArray(tag, { maxLength: 6 }), (tags) => {
        expect(splitTags(joinTags(tags))).toEqual(tags);
      }),
      { numRuns: 1000 },
    );
    expect(splitTags('* myContacts ::: VIP ::: vip, Friends ::: * starred')).toEqual(['VIP', 'vip', 'Friends']);
    expect(joinTags(['vip', 'a, b', '*star'])).toBe('vip, "a, b", "*star"');
  });

  it('quotes a cell holding a NUL, a quote, a line break or the delimiter', () => {
    expect(csvCell('a\u0000b', ',')).toBe('"a\u0000b"');
    expect(csvCell('a|b', '|')).toBe('"a|b"');
    expect(csvCell('a\tb', '\t')).toBe('"a\tb"');
    expect(csvCell('a;b', ',')).toBe('a;b');
  });

  it('reads the milliseconds of an ISO instant', () => {
    expect(parseDateCell('2025-06-01T10:20:30.456Z', { timeZone: 'Europe/Moscow', monthFirst: false })).toEqual({
      ok: true,
      ms: Date.parse('2025-06-01T10:20:30.456Z'),
    });
    expect(parseDateCell('2025-06-01 13:20:30,5', { timeZone: 'Europe/Moscow', monthFirst: false })).toEqual({
      ok: true,
      ms: Date.parse('2025-06-01T10:20:30.500Z'),
    });
  });
});

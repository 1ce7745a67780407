import type { ImportPreset } from './mapping';
import { autoMap } from './presets';
import { isBlankRecord } from './parse';

/** How far down the file the header is looked for by itself (a `--header-row` may point further). */
export const HEADER_SEARCH_ROWS = 20;
/** The furthest row a person may name as the header. */
export const MAX_HEADER_ROW = 100;

/** True when the row reads as a header: at least two columns mean something known, one of them a phone. */
export function looksLikeHeader(cells: readonly string[], presets?: readonly ImportPreset[]): boolean {
  if (cells.length < 2) return false;
  const { mapping } = presets ? autoMap(cells, presets) : autoMap(cells);
  let known = 0;
  let phone = false;
  for (const m of mapping) {
    if (m.target.field === 'ignore') continue;
    known++;
    if (m.target.field === 'phone' || m.target.field === 'mobile_phone') phone = true;
  }
  return known >= 2 && phone;
}

/**
 * The header's row (from 1) among the first rows of a file: the first of the first {@link HEADER_SEARCH_ROWS}
 * rows that {@link looksLikeHeader}, else the first row that is not blank (a file whose header names nothing we
 * know is mapped by hand), else null.
 */
export function findHeaderRow(rows: readonly (readonly string[])[], presets?: readonly ImportPreset[]): number | null {
  let firstFilled: number | null = null;
  for (let i = 0; i < rows.length && i < HEADER_SEARCH_ROWS; i++) {
    const cells = rows[i]!;
    if (isBlankRecord(cells)) continue;
    firstFilled ??= i + 1;
    if (looksLikeHeader(cells, presets)) return i + 1;
  }
  if (firstFilled === null) for (let i = HEADER_SEARCH_ROWS; i < rows.length; i++) if (!isBlankRecord(rows[i]!)) return i + 1;
  return firstFilled;
}

/** Column letters as a spreadsheet shows them: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * Pairs of header names that differ only in letter case or spaces ("Phone" and "phone ", "Mobile Phone" and
 * "MobilePhone"), or not at all: a person meant one column and the file has two. Each pair once, in column order.
 */
export function similarHeaders(headers: readonly string[]): { first: number; second: number }[] {
  const seen = new Map<string, number>();
  const out: { first: number; second: number }[] = [];
  headers.forEach((h, i) => {
    const key = h
      .replace(/^\uFEFF/, '')
      .toLocaleLowerCase()
      .replace(/\s+/g, '');
    if (key === '') return;
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, i);
    else out.push({ first: earlier, second: i });
  });
  return out;
}

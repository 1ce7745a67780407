/**
 * Reading the rows of an HTML table, as Bitrix24's «Экспорт в Excel» writes one into a `.xls` file (an HTML page that
 * Excel opens). A small, forgiving tokenizer, not a browser: only `<tr>`, `<td>`/`<th>` (with `colspan`) and `<br>`
 * matter; scripts, styles and comments are skipped; entities are decoded; other tags are dropped from the text.
 */

/** The rows of the document's first table that has any, or why there are none. */
export type HtmlTableResult = { ok: true; rows: string[][] } | { ok: false; reason: 'no_table' | 'no_rows' };

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  laquo: '«',
  raquo: '»',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  shy: '',
  bull: '•',
  middot: '·',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  numero: '№',
};

/** Decode HTML entities (named ones a CRM writes, decimal and hex); an unknown or invalid one stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** The text of a cell: tags dropped, `<br>` and block ends as line breaks, entities decoded, spaces tidied. */
function cellText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)\s*>/gi, '\n')
    // A tag ends at its `>`; a `<` that never closes before the next `<` is text (and is not scanned past again).
    .replace(/<[^<>]*>/g, '');
  return decodeEntities(text)
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** At most this many columns per row (a colspan of a million would otherwise fill memory). */
const MAX_COLUMNS = 1000;

/** The charset a page declares in `<meta charset>` or `<meta http-equiv content="…charset=…">`, lower-cased. */
export function declaredCharset(head: string): string | null {
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

/** True when a text looks like an HTML page or table rather than a CSV (its first markup is a tag of a page). */
export function looksLikeHtml(text: string): boolean {
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 2048)
    .toLowerCase();
  return /^<(!doctype html|html|head|body|table|meta|\?xml[^>]*>\s*<html|!--)/.test(start) || (start.startsWith('<') && /<table[\s>]/.test(start));
}

/**
 * The rows of the first table that holds a row with a cell. Rows are read in order through `<tr>`; a cell runs to
 * its closing tag or to the next cell or row (HTML lets `</td>` and `</tr>` be left out). `colspan` repeats empty
 * cells so later columns stay in place.
 */
export function readHtmlTable(html: string): HtmlTableResult {
  // Comments, scripts and styles hold no cells (and may hold text that looks like tags).
  const text = html.replace(/<!--[\s\S]*?(-->|$)/g, '').replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '');
  const tableAt = text.search(/<table[\s>]/i);
  if (tableAt < 0) return { ok: false, reason: 'no_table' };
  const rows: string[][] = [];
  let row: string[] | null = null;
  let cellStart = -1;
  let cellSpan = 1;
  let depth = 0;
  const closeCell = (end: number): void => {
    if (row === null || cellStart < 0) return;
    row.push(cellText(text.slice(cellStart, end)));
    for (let i = 1; i < cellSpan && row.length < MAX_COLUMNS; i++) row.push('');
    cellStart = -1;
  };
  const closeRow = (end: number): void => {
    closeCell(end);
    if (row !== null && row.length > 0) rows.push(row.slice(0, MAX_COLUMNS));
    row = null;
  };
  // A tag's attributes stop at the next `<` as well as at its `>`: a `<td ` left unclosed fails here at once, instead of
  // every such tag reading on to the end of the page (a page of them took minutes).
  const tag = /<(\/?)(table|tr|td|th)\b([^<>]*)>/gi;
  tag.lastIndex = tableAt;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (name === 'table') {
      if (closing) {
        depth--;
        if (depth <= 0) {
          closeRow(m.index);
          // The first table with rows is the data; a later one (a footer, a legend) is not.
          if (rows.length > 0) break;
          depth = 0;
        }
      } else depth++;
      continue;
    }
    // Only the outer table's rows: a table inside a cell is part of that cell's text.
    if (depth > 1) continue;
    if (name === 'tr') {
      if (closing) closeRow(m.index);
      else {
        closeRow(m.index);
        row = [];
      }
      continue;
    }
    // td / th
    if (closing) {
      closeCell(m.index);
      continue;
    }
    closeCell(m.index);
    if (row === null) row = [];
    cellStart = m.index + m[0].length;
    const span = /colspan\s*=\s*["']?(\d+)/i.exec(m[3] ?? '');
    cellSpan = span ? Math.min(Math.max(1, Number(span[1])), MAX_COLUMNS) : 1;
  }
  // A table that was never closed ends with the document.
  closeRow(text.length);
  if (rows.length === 0) return { ok: false, reason: 'no_rows' };
  return { ok: true, rows };
}

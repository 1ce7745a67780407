/**
 * The one text fold for finding people by what was typed: case, «ё»/«е» and Latin diacritics (é→e, ü→u, ß→ss…)
 * read as one. The register stores the fold of every name (its sort and search key) and folds the query the same
 * way, so «Фёдоров», «Федоров» and «ФЕДОРОВ» find the same people, and «Muller» finds «Müller». «й» stays
 * itself: in Russian it is a letter of its own, not «и» with a mark. Pure: no I/O.
 */

/** Letters with no decomposition that people still type without their stroke or as two letters. */
const LETTERS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const SPECIAL = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');
/** A combining mark (U+0300–U+036F), except the breve that makes «й» out of «и». */
const MARKS = /(?<!и)\u0306|[\u0300-\u0305\u0307-\u036f]/gu;
/** Only text outside printable ASCII and unmarked Cyrillic needs the decomposition pass (most names do not). */
const NEEDS_DECOMPOSITION = /[^ -~\t\n\r\u0400-\u0450\u0452-\u045f]/u;

/** `text` lower-cased, «ё»→«е», Latin diacritics and strokes dropped (see the module comment). */
export function foldText(text: string): string {
  let s = text.toLowerCase();
  if (s.includes('ё')) s = s.replace(/ё/g, 'е');
  if (!NEEDS_DECOMPOSITION.test(s)) return s;
  s = s
    .normalize('NFD')
    .replace(MARKS, '')
    .normalize('NFC')
    .replace(SPECIAL, (c) => LETTERS[c]!);
  // An «е» written with a combining diaeresis is «ё» again after NFC.
  return s.includes('ё') ? s.replace(/ё/g, 'е') : s;
}

/** A name's stored sort and search key: its fold, with runs of white space as one space and none at either end. */
export function searchKey(name: string): string {
  const folded = foldText(name);
  // The common name needs no white-space pass (this runs for every imported contact).
  return /\s\s|^\s|\s$|[\t\n\r\u00a0]/.test(folded) ? folded.replace(/\s+/g, ' ').trim() : folded;
}

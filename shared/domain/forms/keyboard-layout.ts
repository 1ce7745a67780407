/**
 * A hand-held QR or barcode scanner is a keyboard: it sends key presses, and the computer turns them into letters
 * with whatever layout is active. On the Russian layout the keys that make "F1-1 S-000001" type «А1-1 Ы-000001».
 * Serials and form codes are Latin letters, digits and dashes only, so the Cyrillic letters of a typed reference
 * are read back as the QWERTY keys they sit on (ЙЦУКЕН, the standard Russian layout of Windows, macOS and Linux).
 */
const RU_TO_QWERTY: Readonly<Record<string, string>> = {
  й: 'q',
  ц: 'w',
  у: 'e',
  к: 'r',
  е: 't',
  н: 'y',
  г: 'u',
  ш: 'i',
  щ: 'o',
  з: 'p',
  х: '[',
  ъ: ']',
  ф: 'a',
  ы: 's',
  в: 'd',
  а: 'f',
  п: 'g',
  р: 'h',
  о: 'j',
  л: 'k',
  д: 'l',
  ж: ';',
  э: "'",
  я: 'z',
  ч: 'x',
  с: 'c',
  м: 'v',
  и: 'b',
  т: 'n',
  ь: 'm',
  б: ',',
  ю: '.',
  ё: '`',
};

/** The QWERTY key under each letter of the Russian layout (lower case), for tests and documentation. */
export const RUSSIAN_LAYOUT_KEYS: Readonly<Record<string, string>> = RU_TO_QWERTY;

/**
 * A reference (sheet serial, form code) typed on the Russian layout, read as the QWERTY keys that were pressed:
 * «А1-1 Ы-000001» → "F1-1 S-000001". Letters keep their case (Shift is the same key on both layouts); anything
 * that is not a Cyrillic letter is left as it is, so a reference typed on the Latin layout comes back unchanged.
 */
export function fromRussianLayout(typed: string): string {
  let out = '';
  for (const ch of typed) {
    const lower = ch.toLowerCase();
    const key = RU_TO_QWERTY[lower];
    if (key === undefined) out += ch;
    else out += ch === lower ? key : key.toUpperCase();
  }
  return out;
}

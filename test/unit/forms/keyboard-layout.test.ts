import { describe, expect, it } from 'vitest';
import { fromRussianLayout, RUSSIAN_LAYOUT_KEYS } from '../../../shared/domain/forms/keyboard-layout';
import { isSheetQrText, parseSerial } from '../../../shared/domain/forms/links';

// The standard ЙЦУКЕН layout, row by row, beside the QWERTY keys it sits on.
const ROWS: [string, string][] = [
  ['ёйцукенгшщзхъ', '`qwertyuiop[]'],
  ['фывапролджэ', "asdfghjkl;'"],
  ['ячсмитьбю', 'zxcvbnm,.'],
];

describe('a scanner typing on the Russian keyboard layout', () => {
  it('maps every one of the 33 letters back to the QWERTY key under it, in both cases', () => {
    let letters = 0;
    for (const [ru, en] of ROWS)
      [...ru].forEach((letter, i) => {
        const key = en[i]!;
        expect(fromRussianLayout(letter), letter).toBe(key);
        expect(fromRussianLayout(letter.toUpperCase()), letter.toUpperCase()).toBe(key.toUpperCase());
        letters++;
      });
    expect(letters).toBe(33);
    expect(Object.keys(RUSSIAN_LAYOUT_KEYS)).toHaveLength(33);
    const alphabet = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
    for (const letter of alphabet) expect(RUSSIAN_LAYOUT_KEYS[letter], letter).toBeDefined();
  });

  it('reads «А1-1 Ы-000001» as "F1-1 S-000001" and leaves Latin, digits and dashes alone', () => {
    expect(fromRussianLayout('А1-1 Ы-000001')).toBe('F1-1 S-000001');
    expect(fromRussianLayout('F1-1 S-000001')).toBe('F1-1 S-000001');
    expect(fromRussianLayout('ы-42')).toBe('s-42');
    expect(fromRussianLayout('')).toBe('');
  });

  it('opens the sheet from a serial or a sheet QR typed on either layout', () => {
    for (const typed of ['А1-1 Ы-000001', 'Ы-000001', 'ы1', 'F1-1 S-000001', ' S-000001 ']) expect(parseSerial(typed), typed).toBe('S-000001');
    expect(isSheetQrText('А12-3 Ы-000042')).toBe(true);
    expect(isSheetQrText('F12-3 S-000042')).toBe(true);
    // A name is not a sheet's QR, whatever the layout.
    expect(isSheetQrText('Анна Смирнова')).toBe(false);
    expect(parseSerial('Анна')).toBeNull();
  });
});

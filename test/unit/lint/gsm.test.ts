import { describe, expect, it } from 'vitest';
import { analyzeSms, gsmCost } from '../../../shared/domain/lint/gsm';
import segments from '../../fixtures/lint/sms_segments.json' with { type: 'json' };
import smart from '../../fixtures/lint/smart_encoding_chars.json' with { type: 'json' };

describe('SMS encoding and segments', () => {
  it.each(segments.cases.map((c) => [c.description, c] as const))('%s (published reference case)', (_d, c) => {
    const a = analyzeSms(c.text);
    expect(a.encoding).toBe(c.encoding);
    expect(a.segments).toBe(c.segments);
    if (c.units !== null) expect(a.units).toBe(c.units);
  });

  const boundaries: [string, string, 'GSM-7' | 'UCS-2', number][] = [
    ['160 GSM letters', 'a'.repeat(160), 'GSM-7', 1],
    ['161 GSM letters', 'a'.repeat(161), 'GSM-7', 2],
    ['306 GSM letters (2 × 153)', 'a'.repeat(306), 'GSM-7', 2],
    ['307 GSM letters', 'a'.repeat(307), 'GSM-7', 3],
    ['80 extension characters = 160 septets', '€'.repeat(80), 'GSM-7', 1],
    ['81 extension characters = 162 septets', '€'.repeat(81), 'GSM-7', 2],
    ['extension character never split across parts', 'a'.repeat(152) + '{' + 'a'.repeat(10), 'GSM-7', 2],
    ['70 Cyrillic letters', 'ж'.repeat(70), 'UCS-2', 1],
    ['71 Cyrillic letters', 'ж'.repeat(71), 'UCS-2', 2],
    ['134 Cyrillic letters (2 × 67)', 'ж'.repeat(134), 'UCS-2', 2],
    ['135 Cyrillic letters', 'ж'.repeat(135), 'UCS-2', 3],
    ['35 emoji = 70 code units', '😀'.repeat(35), 'UCS-2', 1],
    ['36 emoji = 72 code units', '😀'.repeat(36), 'UCS-2', 2],
    ['surrogate pair never split: 66 letters then an emoji then 10', 'ж'.repeat(66) + '😀' + 'ж'.repeat(10), 'UCS-2', 2],
    ['Russian sentence with «ёлочки»', 'Скидка «-20%» до воскресенья', 'UCS-2', 1],
    ['one backtick forces UCS-2', 'Hello `world`', 'UCS-2', 1],
    ['empty text', '', 'GSM-7', 1],
  ];
  it.each(boundaries)('%s', (_d, text, encoding, segs) => {
    const a = analyzeSms(text);
    expect(a.encoding).toBe(encoding);
    expect(a.segments).toBe(segs);
  });

  it('counts extension characters as two septets and lists non-GSM characters', () => {
    expect(gsmCost('€'.codePointAt(0)!)).toBe(2);
    expect(gsmCost('a'.codePointAt(0)!)).toBe(1);
    expect(gsmCost('ж'.codePointAt(0)!)).toBe(0);
    const a = analyzeSms('Price: 5€ “now”');
    expect(a.encoding).toBe('UCS-2');
    expect(a.nonGsm.map((c) => c.char)).toEqual(['“', '”']);
  });

  it('treats every character of Twilio’s smart-encoding list as one that forces UCS-2', () => {
    for (const ch of smart.chars) expect(analyzeSms(`Hello ${ch} there`).encoding, `U+${ch.codePointAt(0)!.toString(16)}`).toBe('UCS-2');
  });
});

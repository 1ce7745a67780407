import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { scopedBackend } from '../support/backend';
import { importFile, writeFile } from '../support/imports';

/**
 * An export larger than what it holds before writing (64 KB): written in pieces, it is still one file — the BOM once,
 * every contact once and whole, in either encoding, nothing counted as lost that was not.
 */
describe('a contacts export written in pieces', () => {
  it('3,000 contacts in UTF-8 and Windows-1251: the same rows, each line whole, one BOM', async () => {
    const t = scopedBackend();
    await t.call('settings.update', { defaultCountry: 'RU', timezone: 'Europe/Moscow', policyPack: 'eu' });
    const phone = (i: number) => `+7913${String(i).padStart(7, '0')}`;
    const rows = Array.from({ length: 3000 }, (_, i) => `Покупатель «${i}» Ёлкин,${phone(i + 1)},${i % 3 ? 'yes' : ''}`);
    await importFile(t, writeFile(t, 'crm.csv', ['Name,Phone,SMS consent', ...rows].join('\n')), { dryRun: false });

    const read = async (encoding: 'utf-8' | 'windows-1251') => {
      const r = await t.call('export.create', { what: 'contacts', for: 'excel', language: 'en', encoding });
      const bytes = readFileSync(t.backend.files.get(r.fileId).path);
      expect(r.bytes).toBe(bytes.length);
      expect(r.lossy).toBe(0);
      return { r, text: encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'windows-1251') };
    };
    const utf8 = await read('utf-8');
    const cp1251 = await read('windows-1251');
    expect(utf8.r.bytes).toBeGreaterThan(3 * 65_536);
    expect(utf8.r.rows).toBe(3000);
    expect(utf8.text.startsWith('\uFEFF')).toBe(true);
    expect(utf8.text.indexOf('\uFEFF', 1)).toBe(-1);
    const lines = utf8.text.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(3001);
    const width = lines[0]!.split(',').length;
    for (const line of lines.slice(1)) expect(line.split(',').length).toBe(width);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(3000);
    expect(lines.slice(1).some((l) => l.includes('Покупатель «2999» Ёлкин'))).toBe(true);
    // The same rows in the other encoding (split by `;`, the separator Windows-1251 files get).
    const other = cp1251.text.split('\r\n');
    expect(other.length).toBe(lines.length + 1);
    expect(other.slice(1, -1).map((l) => l.split(';')[0])).toEqual(lines.slice(1).map((l) => l.split(',')[0]));
    expect(other.some((l) => l.includes('Покупатель «2999» Ёлкин'))).toBe(true);
  });
});
